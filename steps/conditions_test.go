package steps

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
)

func TestConditionExprs(t *testing.T) {
	a, b := params.Integer("A"), params.Integer("B")
	c := Or(Not(Equals(a, b)), In(a, params.Lit(1), b), GreaterThan(a, params.Lit(0)), GreaterThanOrEqualTo(b, a))
	var got []string
	for _, e := range c.exprs() {
		got = append(got, e.String())
	}
	want := []string{"Parameters.A", "Parameters.B", "Parameters.A", "1", "Parameters.B", "Parameters.A", "0", "Parameters.B", "Parameters.A"}
	if !cmp.Equal(got, want) {
		t.Errorf("exprs = %v, want %v", got, want)
	}
	cond := When("C", c)
	if n := len(cond.Conditions()); n != 1 {
		t.Errorf("Conditions has %d entries", n)
	}
	if got := Not(nil).exprs(); len(got) != 1 {
		t.Errorf("Not(nil).exprs = %v, want one invalid node", got)
	}
}
