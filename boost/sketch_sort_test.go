package boost

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestStdSortMatchesLibstdcxx sorts queues with stdSort and with GCC's
// libstdc++ std::sort (testdata/stdsort.cc, compiled with g++; skipped
// without it) and requires the same permutation, equal values included:
// it is what decides the order in which XGBoost sums equal values'
// weights.
func TestStdSortMatchesLibstdcxx(t *testing.T) {
	gxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("g++ not found")
	}
	bin := filepath.Join(t.TempDir(), "stdsort")
	if out, err := exec.Command(gxx, "-O2", "-o", bin, "testdata/stdsort.cc").CombinedOutput(); err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}
	r := rand.New(rand.NewPCG(1, 2))
	cases := map[string][]float32{}
	for _, n := range []int{0, 1, 2, 3, 15, 16, 17, 33, 100, 1000, 20482} {
		for _, k := range []int{1, 2, 5, 100, 1 << 30} {
			v := make([]float32, n)
			for i := range v {
				v[i] = float32(r.IntN(k))
			}
			cases[fmt.Sprintf("n=%d distinct<=%d", n, k)] = v
		}
	}
	sawtooth := make([]float32, 5000)
	organ := make([]float32, 5000)
	for i := range sawtooth {
		sawtooth[i] = float32(i % 37)
		organ[i] = float32(min(i, len(organ)-i))
	}
	cases["sawtooth"], cases["organ pipe"] = sawtooth, organ
	// A median-of-3 killer drives introsort to its heapsort fallback.
	cases["median-of-3 killer"] = medianOfThreeKiller(4096)
	cases["signed zeros"] = []float32{0, float32(math.Copysign(0, -1)), 1, 0, -1, float32(math.Copysign(0, -1)), 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2}
	for name, vals := range cases {
		var in strings.Builder
		fmt.Fprintln(&in, len(vals))
		q := make([]qEntry, len(vals))
		for i, v := range vals {
			fmt.Fprintf(&in, "%s %d\n", strconv.FormatFloat(float64(v), 'x', -1, 32), i)
			q[i] = qEntry{value: v, weight: float32(i)} // the weight tags the entry
		}
		cmd := exec.Command(bin)
		cmd.Stdin = strings.NewReader(in.String())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		stdSort(q)
		want := bytes.Fields(out)
		for i, e := range q {
			if strconv.Itoa(int(e.weight)) != string(want[i]) {
				t.Errorf("%s: position %d holds entry %v, std::sort's %s", name, i, e.weight, want[i])
				break
			}
		}
	}
}

// medianOfThreeKiller returns David Musser's sequence that makes
// median-of-three quicksort go quadratic.
func medianOfThreeKiller(n int) []float32 {
	v := make([]float32, n)
	k := n / 2
	for i := 1; i <= k; i++ {
		if i%2 == 1 {
			v[i-1] = float32(i)
			v[i] = float32(k + i)
		}
		v[k+i-1] = float32(2 * i)
	}
	return v
}
