package hookflow

import "iter"

// paginate iterates across a list's pages, fetching each only as the loop reaches it: fetch answers a page's items
// and the cursor of the next (nil on the last). The first error is yielded once and ends the iteration.
func paginate[T any](cursor string, fetch func(cursor string) ([]T, *string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for {
			items, next, err := fetch(cursor)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if next == nil || *next == "" {
				return
			}
			cursor = *next
		}
	}
}
