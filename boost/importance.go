package boost

import (
	"fmt"
	"strconv"
)

// ImportanceType names a feature-importance measure, as XGBoost's
// get_score(importance_type=...) spells it.
type ImportanceType string

// The importance measures. Gain and cover are averages per split; the
// total_ forms are sums over all splits.
const (
	ImportanceWeight     ImportanceType = "weight"      // number of splits on the feature
	ImportanceGain       ImportanceType = "gain"        // average loss reduction of its splits
	ImportanceCover      ImportanceType = "cover"       // average hessian sum of its splits
	ImportanceTotalGain  ImportanceType = "total_gain"  // total loss reduction of its splits
	ImportanceTotalCover ImportanceType = "total_cover" // total hessian sum of its splits
)

// FeatureName is the name of feature i: FeatureNames[i] when the model has
// names, "f<i>" otherwise (as XGBoost names them).
func (m *Model) FeatureName(i int) string {
	if i >= 0 && i < len(m.FeatureNames) {
		return m.FeatureNames[i]
	}
	return "f" + strconv.Itoa(i)
}

// Importance returns the importance of every feature that has a non-zero
// score, keyed by FeatureName, as XGBoost 1.7's Booster.get_score: the
// scores are accumulated in float32 over the trees in order, visiting each
// tree's nodes in the same order as XGBoost, so they equal XGBoost's.
func (m *Model) Importance(typ ImportanceType) (map[string]float32, error) {
	switch typ {
	case ImportanceWeight, ImportanceGain, ImportanceCover, ImportanceTotalGain, ImportanceTotalCover:
	default:
		return nil, fmt.Errorf("%w: importance type %q (want weight, gain, cover, total_gain or total_cover)", ErrInput, typ)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	counts := make([]int, m.NumFeature)
	score := make([]float32, m.NumFeature)
	var stack []int32
	for ti := range m.Trees {
		t := &m.Trees[ti]
		// Depth first from the root, taking the right child before the
		// left, as XGBoost's tree walk does.
		stack = append(stack[:0], 0)
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if t.Left[n] == -1 {
				continue
			}
			stack = append(stack, t.Left[n], t.Right[n])
			f := t.SplitIndex[n]
			counts[f]++
			switch typ {
			case ImportanceWeight:
				score[f] = float32(counts[f])
			case ImportanceGain, ImportanceTotalGain:
				score[f] += t.LossChange[n]
			default:
				score[f] += t.SumHess[n]
			}
		}
	}
	out := make(map[string]float32)
	for f, s := range score {
		if typ == ImportanceGain || typ == ImportanceCover {
			s /= max(1, float32(counts[f]))
		}
		if s != 0 {
			out[m.FeatureName(f)] = s
		}
	}
	return out, nil
}
