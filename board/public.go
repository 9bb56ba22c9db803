package board

// PublicView returns r as the stakeholder view may see it. The status page
// text people edit on the header is a draft until it is posted, so the
// stakeholder view gets the text as it stood when it was last posted, and
// none of the drafts in between.
func PublicView(r Record) Record {
	if r.List != ListHeader {
		return r
	}
	c := r.Clone()
	c.Fields["statusPageText"] = postedStatusText(&r)
	delete(c.Meta, "statusPageText")
	delete(c.History, "statusPageText")
	return *c
}

// postedStatusText returns the header's status page text as it stood when
// statusPagePostedAt was last set, or "" when it was never posted. Sequence
// numbers, not times, tell which text was current then, so a posting time
// typed in by hand still marks the text on the board as posted.
func postedStatusText(h *Record) string {
	posted, ok := h.Meta["statusPagePostedAt"]
	if !ok || h.Text("statusPagePostedAt") == "" {
		return ""
	}
	if h.Meta["statusPageText"].Seq <= posted.Seq {
		return h.Text("statusPageText")
	}
	past := h.History["statusPageText"]
	for i := len(past) - 1; i >= 0; i-- {
		if past[i].Seq <= posted.Seq {
			text, _ := past[i].Value.(string)
			return text
		}
	}
	return ""
}
