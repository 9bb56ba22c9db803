package store

import "sort"

// sortSummaries puts active incidents first, then resolved ones, each group
// with the most recently declared first.
func sortSummaries(list []Summary) {
	sort.SliceStable(list, func(i, j int) bool {
		ai, aj := list[i].Status != "resolved", list[j].Status != "resolved"
		if ai != aj {
			return ai
		}
		if list[i].DeclaredAt != list[j].DeclaredAt {
			return list[i].DeclaredAt > list[j].DeclaredAt
		}
		return list[i].ID > list[j].ID
	})
}
