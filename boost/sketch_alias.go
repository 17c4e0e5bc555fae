package boost

// Features with max_bin value bins and missing values
//
// Bins are stored as uint8 codes with one extra code for a missing value,
// so a feature fits as long as it has at most 255 value bins. XGBoost
// allows 256 (the default max_bin) and keeps missing values out of its
// bins altogether. A feature with 256 value bins and missing values is
// "aliased": its missing rows share code 255 with the top value bin, and
// the row's float value (NaN or not) tells them apart wherever the
// difference matters: the histogram of a node moves the missing rows'
// sum from bin 255 to the feature's missing slot (integer sums, so the
// move is exact and the sibling subtraction stays exact), and routing a
// row with code 255 checks its value. Other features are untouched, so
// the common case pays nothing.

// aliasCode is the code an aliased feature's missing rows share with its
// top value bin.
const aliasCode = 255

// aliased reports whether feature f's missing rows share a code with its
// top value bin.
func (c *cuts) aliased(f int) bool { return c.hasMiss[f] && len(c.vals[f]) > aliasCode }

// missCode returns the bin code of feature f's missing values.
func (c *cuts) missCode(f int) uint8 { return uint8(min(len(c.vals[f]), aliasCode)) }

// isMissing reports whether row `row` of a feature whose code there is
// code is missing; fcol is the feature's float column. For a feature that
// is not aliased the code alone decides.
func isMissing(code, missCode uint8, aliased bool, fcol []float32, row int32) bool {
	return code == missCode && (!aliased || fcol[row] != fcol[row])
}

// splitAliased moves, in each of the nodes' histograms, the missing rows'
// sum of every aliased feature from its bin 255 to its missing slot.
func (s *shard) splitAliased(nodes []int32, hists [][]gpair) {
	var feats []int
	for f := range s.cuts.vals {
		if s.cuts.aliased(f) {
			feats = append(feats, f)
		}
	}
	if len(feats) == 0 {
		return
	}
	s.par.tasks(s.threads, len(nodes)*len(feats), func(_, t int) {
		j, f := t/len(feats), feats[t%len(feats)]
		nd := nodes[j]
		fcol := s.d.cols[f]
		var miss gpair
		for _, row := range s.pos[s.lo[nd]:s.hi[nd]] {
			if fcol[row] != fcol[row] {
				miss = miss.add(s.rowGrad(row))
			}
		}
		h := hists[j][s.cuts.off[f]:s.cuts.off[f+1]]
		h[aliasCode] = h[aliasCode].sub(miss)
		h[len(s.cuts.vals[f])] = h[len(s.cuts.vals[f])].add(miss)
	})
}

// rowGrad is the gradient pair that row adds to a histogram this round.
func (s *shard) rowGrad(row int32) gpair {
	if s.packed {
		return unpack(s.gq[row], s.hq)
	}
	return s.gp[row]
}
