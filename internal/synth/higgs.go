package synth

import (
	"math"
	"math/rand/v2"
)

// higgsNames are the Higgs generator's feature columns, in order: those
// of the UCI HIGGS data set.
var higgsNames = []string{
	"lepton_pT", "lepton_eta", "lepton_phi", "missing_energy_magnitude", "missing_energy_phi",
	"jet1_pt", "jet1_eta", "jet1_phi", "jet1_btag",
	"jet2_pt", "jet2_eta", "jet2_phi", "jet2_btag",
	"jet3_pt", "jet3_eta", "jet3_phi", "jet3_btag",
	"jet4_pt", "jet4_eta", "jet4_phi", "jet4_btag",
	"m_jj", "m_jjj", "m_lv", "m_jlv", "m_bb", "m_wbb", "m_wwbb",
}

// higgsBTag are the three values a b-tag takes in HIGGS.
var higgsBTag = [3]float64{0, 1.0865, 2.1730}

// Higgs draws n rows shaped like the UCI HIGGS data set: 28 dense float32
// features and a binary class (signal 1, background 0). Target and Class
// are the same 0/1 slice, so regression fits the class probability.
//
// The 21 low-level features describe a lepton, the missing transverse
// energy and four jets, in HIGGS's normalised units (a typical momentum is
// about 1):
//
//   - transverse momenta (lepton_pT, jetN_pt): log-normal, exp(-0.25 +
//     0.5 N) for the lepton and exp(-0.2 + 0.55 N) for the jets, plus 0.25
//     (a trigger threshold), so skewed to the right with a floor;
//   - missing_energy_magnitude: the length of a 2-d normal with sd 0.7
//     (Rayleigh), skewed to the right;
//   - pseudorapidities (lepton_eta, jetN_eta): normal with sd 1, drawn
//     again until inside ±2.5;
//   - azimuths (lepton_phi, missing_energy_phi, jetN_phi): uniform in
//     [-π, π];
//   - b-tags (jetN_btag): 0, 1.0865 or 2.1730 with probabilities 0.5, 0.15
//     and 0.35.
//
// The seven high-level features are invariant masses of groups of those
// objects, computed from their four-momenta (massless; the missing energy
// at zero pseudorapidity) and divided by a constant so that their medians
// lie near 1: m_jj (jets 1 and 2), m_jjj (jets 1 to 3), m_lv (lepton and
// missing energy), m_jlv (jet 1, lepton, missing energy), m_bb (the two
// jets with the highest b-tags), m_wbb (all four jets) and m_wwbb (all
// four jets, lepton and missing energy). They are positive and skewed to
// the right.
//
// The class is drawn as Bernoulli(sigmoid(1.6 s)), where the score s is a
// nonlinear function of about a dozen features: a bump in m_bb and one in
// m_wbb, the b-tags of the two b-jets, log m_wwbb, the azimuthal angle
// between lepton and missing energy, the lepton's pseudorapidity squared
// and a product of the leading jet's momentum and m_jj. About 54 % of the
// rows are signal (53 % in HIGGS), and the draw's noise keeps the class
// hard to predict: a 100-round depth-6 boosted model trained on 160,000
// rows reaches a validation ROC AUC of about 0.815, near what such models
// reach on the real data.
func Higgs(n int, seed uint64) *Data {
	rng := rand.New(rand.NewPCG(seed, 0x4869676773))
	d := newData("higgs", n, higgsNames)
	eta := func() float64 {
		for {
			if x := rng.NormFloat64(); math.Abs(x) < 2.5 {
				return x
			}
		}
	}
	phi := func() float64 { return math.Pi * (2*rng.Float64() - 1) }
	btag := func() float64 {
		u := rng.Float64()
		switch {
		case u < 0.5:
			return higgsBTag[0]
		case u < 0.65:
			return higgsBTag[1]
		}
		return higgsBTag[2]
	}
	var row [28]float64
	var obj [6]fourVec // lepton, missing energy, jets 1-4
	for i := 0; i < n; i++ {
		row[0] = 0.25 + math.Exp(-0.25+0.5*rng.NormFloat64())
		row[1], row[2] = eta(), phi()
		mx, my := 0.7*rng.NormFloat64(), 0.7*rng.NormFloat64()
		row[3], row[4] = math.Hypot(mx, my), phi()
		obj[0] = massless(row[0], row[1], row[2])
		obj[1] = massless(row[3], 0, row[4])
		for k := range 4 {
			c := 5 + 4*k
			row[c] = 0.25 + math.Exp(-0.2+0.55*rng.NormFloat64())
			row[c+1], row[c+2], row[c+3] = eta(), phi(), btag()
			obj[2+k] = massless(row[c], row[c+1], row[c+2])
		}
		j1, j2, j3, j4 := obj[2], obj[3], obj[4], obj[5]
		// The two jets with the highest b-tags (earlier jets first on ties).
		b1, b2 := -1, -1
		for k := range 4 {
			switch t := row[8+4*k]; {
			case b1 < 0 || t > row[8+4*b1]:
				b1, b2 = k, b1
			case b2 < 0 || t > row[8+4*b2]:
				b2 = k
			}
		}
		row[21] = sum(j1, j2).mass() / 2.2
		row[22] = sum(j1, j2, j3).mass() / 3.6
		row[23] = sum(obj[0], obj[1]).mass() / 1.2
		row[24] = sum(j1, obj[0], obj[1]).mass() / 2.6
		row[25] = sum(obj[2+b1], obj[2+b2]).mass() / 2.2
		row[26] = sum(j1, j2, j3, j4).mass() / 5.6
		row[27] = sum(j1, j2, j3, j4, obj[0], obj[1]).mass() / 7.2

		dphi := math.Remainder(row[2]-row[4], 2*math.Pi)
		s := 1.6*math.Exp(-sq((row[25]-0.8)/0.25)) +
			0.9*math.Exp(-sq((row[26]-1.0)/0.3)) +
			0.45*(row[8+4*b1]+row[8+4*b2])/higgsBTag[2] -
			1.1*math.Log(row[27]) +
			0.5*math.Cos(dphi) -
			0.18*sq(row[1]) +
			0.35*math.Tanh(row[5]-1)*math.Log(row[21]) -
			1.25
		class := b2f(rng.Float64() < 1/(1+math.Exp(-1.6*s)))
		for j, v := range row {
			d.Cols[j][i] = float32(v)
		}
		d.Target[i] = float32(class)
	}
	d.Class = d.Target
	return d
}

// fourVec is a four-momentum (E, px, py, pz).
type fourVec struct{ e, px, py, pz float64 }

// massless returns the four-momentum of a massless particle with
// transverse momentum pt, pseudorapidity eta and azimuth phi.
func massless(pt, eta, phi float64) fourVec {
	return fourVec{pt * math.Cosh(eta), pt * math.Cos(phi), pt * math.Sin(phi), pt * math.Sinh(eta)}
}

// sum adds four-momenta.
func sum(vs ...fourVec) fourVec {
	var s fourVec
	for _, v := range vs {
		s.e += v.e
		s.px += v.px
		s.py += v.py
		s.pz += v.pz
	}
	return s
}

// mass returns the invariant mass, zero where rounding makes the square
// negative.
func (v fourVec) mass() float64 {
	return math.Sqrt(math.Max(0, v.e*v.e-v.px*v.px-v.py*v.py-v.pz*v.pz))
}

func sq(x float64) float64 { return x * x }
