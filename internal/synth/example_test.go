package synth_test

import (
	"fmt"

	"github.com/sagepipe/sagepipe/internal/synth"
)

func Example() {
	gen, err := synth.Lookup("higgs")
	if err != nil {
		fmt.Println(err)
		return
	}
	d := gen(1000, 42)
	fmt.Println(d.Name, d.Rows(), "rows,", len(d.Cols), "features; first:", d.Names[0])
	// Output: higgs 1000 rows, 28 features; first: lepton_pT
}
