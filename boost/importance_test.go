package boost

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestImportance(t *testing.T) {
	// Tree 1: root on f1 (gain 10, cover 8), its left child on f0 (gain 4,
	// cover 5). Tree 2: root on f1 (gain 2, cover 8). f2 is never used.
	t1 := NewTree(3, 0, 8)
	l, _ := t1.AddSplit(0, 1, 0.5, false, 0, 10, 0.1, 5, 0.2, 3)
	t1.AddSplit(l, 0, 1.5, true, 0, 4, 0.3, 2, 0.4, 3)
	t2 := NewTree(3, 0, 8)
	t2.AddSplit(0, 1, 2.5, false, 0, 2, 0.1, 6, 0.2, 2)
	m := &Model{Objective: ObjSquaredError, BaseScore: 0.5, NumFeature: 3,
		Trees: []Tree{t1, t2}, TreeInfo: []int32{0, 0}}
	want := map[ImportanceType]map[string]float32{
		ImportanceWeight:     {"f0": 1, "f1": 2},
		ImportanceGain:       {"f0": 4, "f1": 6},
		ImportanceCover:      {"f0": 5, "f1": 8},
		ImportanceTotalGain:  {"f0": 4, "f1": 12},
		ImportanceTotalCover: {"f0": 5, "f1": 16},
	}
	for typ, w := range want {
		got, err := m.Importance(typ)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", typ, diff)
		}
	}
	m.FeatureNames = []string{"a", "b", "c"}
	got, err := m.Importance(ImportanceWeight)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]float32{"a": 1, "b": 2}, got); diff != "" {
		t.Errorf("named (-want +got):\n%s", diff)
	}
	if _, err := m.Importance("gini"); !errors.Is(err, ErrInput) {
		t.Errorf("unknown type: %v, want ErrInput", err)
	}
}
