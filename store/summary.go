package store

import (
	"sort"

	"github.com/sitrep/sitrep/board"
)

// sortSummaries puts active incidents first, then resolved ones, each group
// with the most recently declared first.
func sortSummaries(list []Summary) {
	sort.SliceStable(list, func(i, j int) bool {
		ai, aj := !board.IsResolvedStatus(list[i].Status), !board.IsResolvedStatus(list[j].Status)
		if ai != aj {
			return ai
		}
		if list[i].DeclaredAt != list[j].DeclaredAt {
			return list[i].DeclaredAt > list[j].DeclaredAt
		}
		return list[i].ID > list[j].ID
	})
}
