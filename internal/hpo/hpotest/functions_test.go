package hpotest

import (
	"math"
	"testing"
)

func TestKnownOptima(t *testing.T) {
	for _, x := range [][2]float64{{-math.Pi, 12.275}, {math.Pi, 2.275}, {9.42478, 2.475}} {
		if v := Branin(x[0], x[1]); math.Abs(v-0.397887) > 1e-5 {
			t.Errorf("Branin%v = %v", x, v)
		}
	}
	if v := Hartmann6([]float64{0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}); math.Abs(v+3.32237) > 1e-4 {
		t.Errorf("Hartmann6 at its optimum = %v", v)
	}
}
