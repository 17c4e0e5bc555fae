package steps

import (
	"fmt"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// Condition is one entry of a condition step's "Conditions" (all must
// hold). Build them with Equals, GreaterThan, GreaterThanOrEqualTo,
// LessThan, LessThanOrEqualTo, In, Not and Or.
type Condition interface {
	// object writes the condition object in the SDK's key order.
	object() *pyjson.Object
	// exprs returns the expressions the condition compares, nested
	// conditions included.
	exprs() []params.Expr
}

type comparison struct {
	typ  string
	l, r params.Expr
}

func (c comparison) object() *pyjson.Object {
	return pyjson.NewObject().Set("Type", c.typ).Set("LeftValue", c.l).Set("RightValue", c.r)
}

func (c comparison) exprs() []params.Expr { return []params.Expr{c.l, c.r} }

func compare[T params.Primitive](typ string, l, r params.Input[T]) Condition {
	return comparison{typ, inputExpr(l, typ+" left value"), inputExpr(r, typ+" right value")}
}

// inputExpr returns an input's expression, or an Invalid node when unset.
func inputExpr[T params.Primitive](in params.Input[T], what string) params.Expr {
	if in != nil {
		return named(in.Value().Expr(), what)
	}
	return named(nil, what)
}

// named returns e, or an Invalid node naming the operand what when e is
// unset or records a problem (a NaN or infinity, which the SDK would write
// as the non-JSON tokens NaN and Infinity).
func named(e params.Expr, what string) params.Expr {
	if e == nil {
		return params.Invalid(fmt.Errorf("%w: %s is unset", ErrInvalid, what))
	}
	for err := range params.Problems(e) {
		return params.Invalid(fmt.Errorf("%s: %w", what, err))
	}
	return e
}

// Equals holds when l == r.
func Equals[T params.Primitive](l, r params.Input[T]) Condition { return compare("Equals", l, r) }

// GreaterThan holds when l > r.
func GreaterThan[T params.Primitive](l, r params.Input[T]) Condition {
	return compare("GreaterThan", l, r)
}

// GreaterThanOrEqualTo holds when l >= r.
func GreaterThanOrEqualTo[T params.Primitive](l, r params.Input[T]) Condition {
	return compare("GreaterThanOrEqualTo", l, r)
}

// LessThan holds when l < r.
func LessThan[T params.Primitive](l, r params.Input[T]) Condition { return compare("LessThan", l, r) }

// LessThanOrEqualTo holds when l <= r.
func LessThanOrEqualTo[T params.Primitive](l, r params.Input[T]) Condition {
	return compare("LessThanOrEqualTo", l, r)
}

type in struct {
	q      params.Expr
	values []params.Expr
}

// In holds when q equals one of values, all of q's type. InAny takes a list
// of mixed kinds, as the SDK's ConditionIn does.
func In[T params.Primitive](q params.Input[T], values ...params.Input[T]) Condition {
	c := in{q: inputExpr(q, "In query value")}
	for i, v := range values {
		c.values = append(c.values, inputExpr(v, fmt.Sprintf("In value %d", i)))
	}
	return c
}

// InAny holds when q equals one of values, which may mix kinds as the SDK's
// ConditionIn allows: Go constants (string, integers, float64, bool, nil for
// JSON null), each written with its own JSON kind (1 and 1.0 differ), and
// expressions (parameters, execution variables, step properties, Joins).
// A NaN or infinity, or a value of another Go type, is reported by
// Validate naming its position.
func InAny(q params.Exprer, values ...any) Condition {
	var qe params.Expr
	if q != nil {
		qe = q.Expr()
	}
	c := in{q: named(qe, "In query value")}
	for i, v := range values {
		c.values = append(c.values, named(params.From(v), fmt.Sprintf("In value %d", i)))
	}
	return c
}

func (c in) object() *pyjson.Object {
	vs := make([]any, len(c.values))
	for i, v := range c.values {
		vs[i] = v
	}
	return pyjson.NewObject().Set("Type", "In").Set("QueryValue", c.q).Set("Values", vs)
}

func (c in) exprs() []params.Expr { return append([]params.Expr{c.q}, c.values...) }

type not struct{ c Condition }

// Not holds when c does not. It renders with the key "Condition", as SDK
// 2.257.6 does.
func Not(c Condition) Condition { return not{c} }

func (c not) object() *pyjson.Object {
	return pyjson.NewObject().Set("Type", "Not").Set("Condition", condValue(c.c))
}

func (c not) exprs() []params.Expr { return condExprs(c.c) }

type or struct{ cs []Condition }

// Or holds when any of cs holds.
func Or(cs ...Condition) Condition { return or{cloneSlice(cs)} }

func (c or) object() *pyjson.Object {
	vs := make([]any, len(c.cs))
	for i, x := range c.cs {
		vs[i] = condValue(x)
	}
	return pyjson.NewObject().Set("Type", "Or").Set("Conditions", vs)
}

func (c or) exprs() []params.Expr {
	var out []params.Expr
	for _, x := range c.cs {
		out = append(out, condExprs(x)...)
	}
	return out
}

var errNilCondition = fmt.Errorf("%w: nil condition", ErrInvalid)

func condValue(c Condition) any {
	if c == nil {
		return errNilCondition
	}
	return c.object()
}

func condExprs(c Condition) []params.Expr {
	if c == nil {
		return []params.Expr{params.Invalid(errNilCondition)}
	}
	return c.exprs()
}

// ConditionStep evaluates conditions and runs the steps of one branch.
type ConditionStep struct {
	common
	conds []Condition
	ifs   []Entity
	elses []Entity
}

// When returns a condition step named name whose conditions must all hold
// for the Then branch to run (otherwise the Else branch runs).
func When(name string, conds ...Condition) *ConditionStep {
	return &ConditionStep{common: newCommon(name), conds: cloneSlice(conds)}
}

func (s *ConditionStep) clone() *ConditionStep { c := *s; return &c }

// Then returns a copy of s with entities added to the if branch.
func (s *ConditionStep) Then(es ...Entity) *ConditionStep {
	c := s.clone()
	c.ifs = append(cloneSlice(s.ifs), es...)
	return c
}

// Else returns a copy of s with entities added to the else branch.
func (s *ConditionStep) Else(es ...Entity) *ConditionStep {
	c := s.clone()
	c.elses = append(cloneSlice(s.elses), es...)
	return c
}

// DependsOn returns a copy of s that also depends on the given entities.
func (s *ConditionStep) DependsOn(es ...Entity) *ConditionStep {
	c := s.clone()
	c.addDependsOn(es)
	return c
}

// DependsOnNames returns a copy of s that also depends on the named steps.
func (s *ConditionStep) DependsOnNames(names ...string) *ConditionStep {
	c := s.clone()
	c.addDependsOnNames(names)
	return c
}

// DisplayName returns a copy of s with the display name set.
func (s *ConditionStep) DisplayName(v string) *ConditionStep {
	c := s.clone()
	c.env.displayName = v
	return c
}

// Description returns a copy of s with the description set.
func (s *ConditionStep) Description(v string) *ConditionStep {
	c := s.clone()
	c.env.description = v
	return c
}

// Type returns TypeCondition.
func (s *ConditionStep) Type() Type { return TypeCondition }

// Steps returns the step itself (its branch steps are nested inside it).
func (s *ConditionStep) Steps() []Step { return []Step{s} }

// Conditions returns the step's conditions.
func (s *ConditionStep) Conditions() []Condition { return cloneSlice(s.conds) }

// branches returns the steps of the if and else branches, collections
// expanded.
func (s *ConditionStep) branches() (ifs, elses []Step, ok bool) {
	return expand(s.ifs), expand(s.elses), true
}

// defProblems reports nil conditions or branch entries.
func (s *ConditionStep) defProblems() []error {
	out := s.commonProblems()
	for i, c := range s.conds {
		if c == nil {
			out = append(out, fmt.Errorf("%w: condition %d is nil", ErrInvalid, i))
		}
	}
	for _, es := range [][]Entity{s.ifs, s.elses} {
		for _, e := range es {
			if isNil(e) {
				out = append(out, fmt.Errorf("%w: nil branch step", ErrInvalid))
			}
		}
	}
	return out
}

// Arguments renders {"Conditions", "IfSteps", "ElseSteps"}; branch steps
// are complete step objects.
func (s *ConditionStep) defArguments(env *Env) any {
	cs := make([]any, len(s.conds))
	for i, c := range s.conds {
		cs[i] = condValue(c)
	}
	ifs, elses, _ := s.branches()
	return pyjson.NewObject().
		Set("Conditions", cs).
		Set("IfSteps", renderAll(ifs, env)).
		Set("ElseSteps", renderAll(elses, env))
}

// defTrailer returns nothing: condition steps have no trailing keys.
func (s *ConditionStep) defTrailer(env *Env) []stepdef.Member { return nil }

// ConditionProperties is the property model of a condition step.
type ConditionProperties struct{ e Entity }

// Properties returns the step's property model.
func (s *ConditionStep) Properties() ConditionProperties { return ConditionProperties{s} }

// Outcome is the result of evaluating the conditions.
func (p ConditionProperties) Outcome() params.Value[bool] { return Property[bool](p.e, "Outcome") }

// FailStep stops the execution with a failure and a message.
type FailStep struct {
	common
	msg params.Expr
}

// Fail returns a fail step named name with the given error message (nil
// means the empty message).
func Fail(name string, message params.Input[string]) *FailStep {
	var e params.Expr
	if message != nil {
		e = message.Value().Expr()
	}
	return &FailStep{common: newCommon(name), msg: e}
}

func (s *FailStep) clone() *FailStep { c := *s; return &c }

// DependsOn returns a copy of s that also depends on the given entities.
func (s *FailStep) DependsOn(es ...Entity) *FailStep {
	c := s.clone()
	c.addDependsOn(es)
	return c
}

// DependsOnNames returns a copy of s that also depends on the named steps.
func (s *FailStep) DependsOnNames(names ...string) *FailStep {
	c := s.clone()
	c.addDependsOnNames(names)
	return c
}

// DisplayName returns a copy of s with the display name set.
func (s *FailStep) DisplayName(v string) *FailStep {
	c := s.clone()
	c.env.displayName = v
	return c
}

// Description returns a copy of s with the description set.
func (s *FailStep) Description(v string) *FailStep {
	c := s.clone()
	c.env.description = v
	return c
}

// Type returns TypeFail.
func (s *FailStep) Type() Type { return TypeFail }

// Steps returns the step itself.
func (s *FailStep) Steps() []Step { return []Step{s} }

// defProblems returns the recorded problems.
func (s *FailStep) defProblems() []error { return s.commonProblems() }

// defArguments renders {"ErrorMessage": ...}.
func (s *FailStep) defArguments(env *Env) any {
	var msg any = ""
	if s.msg != nil {
		msg = s.msg
	}
	return pyjson.NewObject().Set("ErrorMessage", msg)
}

// defTrailer returns nothing.
func (s *FailStep) defTrailer(env *Env) []stepdef.Member { return nil }
