package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/internal/hpo"
)

func TestKnownOptima(t *testing.T) {
	s, err := hpo.NewSpace(problems()[2].ranges)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Parse(map[string]string{"eta": "0.01", "booster": "gbtree", "depth": "6"})
	if err != nil {
		t.Fatal(err)
	}
	if v := mixed(p); math.Abs(v) > 1e-12 {
		t.Errorf("mixed at its optimum = %v", v)
	}
}

// TestTPEFunctionsMatch evaluates tpe.py's definitions at random points
// and compares them with the Go ones.
func TestTPEFunctionsMatch(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import optuna").Run(); err != nil {
		t.Skip("Optuna is not installed for /usr/bin/python3 (apt-get install python3-optuna)")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range problems() {
		s, err := hpo.NewSpace(p.ranges)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			params := map[string]any{}
			strs := map[string]string{}
			for _, q := range s.Params() {
				switch q.Kind {
				case hpo.Categorical:
					v := q.Values[r.IntN(len(q.Values))]
					params[q.Name], strs[q.Name] = v, v
				case hpo.Integer:
					v := int(q.Min) + r.IntN(int(q.Max-q.Min)+1)
					params[q.Name], strs[q.Name] = v, strconv.Itoa(v)
				default:
					v := q.Min + r.Float64()*(q.Max-q.Min)
					params[q.Name], strs[q.Name] = v, strconv.FormatFloat(v, 'g', -1, 64)
				}
			}
			hp, err := s.Parse(strs)
			if err != nil {
				t.Fatal(err)
			}
			js, _ := json.Marshal(params)
			out, err := exec.Command("/usr/bin/python3", "tpe.py", "--eval", p.name, string(js)).Output()
			if err != nil {
				t.Fatalf("tpe.py --eval %s %s: %v", p.name, js, err)
			}
			py, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
			if err != nil {
				t.Fatal(err)
			}
			if g := p.f(hp); math.Abs(g-py) > 1e-9*math.Max(1, math.Abs(py)) {
				t.Errorf("%s at %s: Go %v, Python %v", p.name, js, g, py)
			}
		}
	}
}
