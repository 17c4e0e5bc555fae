// Package hpotest holds the standard test functions with known optima that
// the tuner's tests and its benchmark both minimise.
package hpotest

import "math"

// Branin has its minimum 0.397887 at (-π, 12.275), (π, 2.275) and
// (9.42478, 2.475).
func Branin(x1, x2 float64) float64 {
	const (
		a = 1
		b = 5.1 / (4 * math.Pi * math.Pi)
		c = 5 / math.Pi
		r = 6
		s = 10
		t = 1 / (8 * math.Pi)
	)
	u := x2 - b*x1*x1 + c*x1 - r
	return a*u*u + s*(1-t)*math.Cos(x1) + s
}

// Hartmann6 has its minimum -3.32237 at
// (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573) in the unit
// hypercube.
func Hartmann6(x []float64) float64 {
	alpha := [4]float64{1.0, 1.2, 3.0, 3.2}
	A := [4][6]float64{
		{10, 3, 17, 3.5, 1.7, 8},
		{0.05, 10, 17, 0.1, 8, 14},
		{3, 3.5, 1.7, 10, 17, 8},
		{17, 8, 0.05, 10, 0.1, 14},
	}
	P := [4][6]float64{
		{1312, 1696, 5569, 124, 8283, 5886},
		{2329, 4135, 8307, 3736, 1004, 9991},
		{2348, 1451, 3522, 2883, 3047, 6650},
		{4047, 8828, 8732, 5743, 1091, 381},
	}
	s := 0.0
	for i := range 4 {
		in := 0.0
		for j := range 6 {
			d := x[j] - P[i][j]*1e-4
			in += A[i][j] * d * d
		}
		s += alpha[i] * math.Exp(-in)
	}
	return -s
}
