package dataset

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestUnionChecksSchemasAtPlanTime: inputs whose schemas are known are
// compared before anything runs; an input known only by running it leaves
// the check to the point where blocks meet.
func TestUnionChecksSchemasAtPlanTime(t *testing.T) {
	ctx := context.Background()
	s := sys(t)
	ids := Range(s, 10, Options{BlockRows: 4})
	named := ids.RenameColumns(map[string]string{"id": "n"})
	opaque := ids.MapBatches(func(ctx context.Context, b *Block) (*Block, error) {
		return b.Rename(map[string]string{"id": "n"})
	}, BatchOptions{})

	t.Run("known and different", func(t *testing.T) {
		u := ids.Union(ids, named)
		_, err := u.Schema(ctx)
		var oe *OpError
		if !errors.Is(err, ErrSchemaMismatch) || !errors.As(err, &oe) || oe.Op != "Union" {
			t.Fatalf("Schema: %v", err)
		}
		for _, want := range []string{`input 0`, `"id"`, `input 2`, `"n"`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
		}
		if _, err := u.Count(ctx); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("Count: %v", err)
		}
	})
	t.Run("known and different types", func(t *testing.T) {
		floats, err := FromItems(s, []Row{{"id": 1.5}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ids.Union(floats).Schema(ctx)
		if !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), "int64") || !strings.Contains(err.Error(), "float64") {
			t.Fatalf("Schema: %v", err)
		}
	})
	t.Run("unknown stays lazy", func(t *testing.T) {
		u := ids.Union(opaque)
		// The schema comes from the first block, which is input 0's.
		if got, err := u.Schema(ctx); err != nil || got.String() != "{id: int64}" {
			t.Fatalf("Schema = %v, %v", got, err)
		}
		if _, err := u.TakeBatch(ctx, 100); !errors.Is(err, ErrSchemaMismatch) {
			t.Errorf("TakeBatch: %v", err)
		}
	})
	t.Run("same schemas", func(t *testing.T) {
		u := ids.Union(ids.Limit(3))
		got, err := u.Schema(ctx)
		if err != nil || got.String() != "{id: int64}" {
			t.Fatalf("Schema = %v, %v", got, err)
		}
		if n, err := u.Count(ctx); n != 13 || err != nil {
			t.Errorf("Count = %d, %v", n, err)
		}
	})
}
