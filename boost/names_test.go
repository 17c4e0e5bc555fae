package boost

import (
	"errors"
	"strings"
	"testing"
)

// TestNameLists requires MetricNames and ObjectiveNames to hand out fresh
// slices (changing one does not change the package's view) and every name
// in them to be accepted by NewConfig.
func TestNameLists(t *testing.T) {
	lists := []struct {
		name  string
		get   func() []string
		param string
	}{
		{"MetricNames", MetricNames, "eval_metric"},
		{"ObjectiveNames", ObjectiveNames, "objective"},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			a := l.get()
			want := a[0]
			a[0] = "changed"
			if b := l.get(); b[0] != want {
				t.Fatalf("second call sees the caller's change: %q", b[0])
			}
			for _, n := range l.get() {
				params := map[string]any{l.param: n}
				if l.param == "objective" && strings.HasPrefix(n, "multi:") {
					params["num_class"] = 3
				}
				if _, err := NewConfig(params); err != nil {
					t.Errorf("%s=%q: %v", l.param, n, err)
				}
			}
			_, err := NewConfig(map[string]any{l.param: "no-such-name"})
			var pe *ParamError
			if !errors.As(err, &pe) || !strings.Contains(pe.Allowed, want) {
				t.Errorf("unknown %s: %v, want a ParamError listing %q", l.param, err, want)
			}
		})
	}
	if KnownObjective("no-such-name") || !KnownObjective(ObjRegTweedie) {
		t.Error("KnownObjective disagrees with ObjectiveNames")
	}
}
