package params

import (
	"fmt"
	"iter"
	"strconv"
	"strings"
)

// Expr is a node of the expression language of a pipeline definition: a
// literal, a Get of a parameter, execution variable, step property, property
// file or experiment setting, a Std:Join or a Std:JsonGet. The set of nodes
// is closed; Walk visits them all.
type Expr interface {
	// Refs yields what the expression refers to, depth first.
	Refs() iter.Seq[Ref]
	// String returns a short human-readable form for debugging.
	String() string
	isExpr()
}

// Source is what params knows of a step: its name. Property references keep
// the Source they were made from, so a pipeline can find referenced steps
// that were never listed and draw the data edges of its DAG.
type Source interface{ Name() string }

// StepName is a Source known only by name, as a parsed definition refers to
// its steps.
type StepName string

// Name returns the step name.
func (n StepName) Name() string { return string(n) }

// RefKind tells what a Ref points at.
type RefKind int

// The kinds of reference.
const (
	RefParameter    RefKind = iota + 1 // Parameters.<Name>
	RefExecution                       // Execution.<Variable>
	RefProperty                        // Steps.<Step>.<Path>
	RefPropertyFile                    // Steps.<Step>.PropertyFiles.<File>
	RefExperiment                      // PipelineExperimentConfig.<Field>
)

// String returns the kind's name.
func (k RefKind) String() string {
	switch k {
	case RefParameter:
		return "Parameter"
	case RefExecution:
		return "Execution"
	case RefProperty:
		return "Property"
	case RefPropertyFile:
		return "PropertyFile"
	case RefExperiment:
		return "Experiment"
	}
	return "RefKind(" + strconv.Itoa(int(k)) + ")"
}

// Ref is one reference of an expression.
type Ref struct {
	Kind RefKind
	// Param is the parameter of a RefParameter.
	Param Parameter
	// Source is the step of a RefProperty or RefPropertyFile.
	Source Source
	// Path is the property path after the step name (RefProperty; empty
	// for a Get of the whole step), the variable name (RefExecution) or
	// the field name (RefExperiment).
	Path string
	// PropertyFile is the property file name of a RefPropertyFile.
	PropertyFile string
}

// String returns the Get path of the reference, e.g. "Parameters.Count" or
// "Steps.Train.ModelArtifacts.S3ModelArtifacts".
func (r Ref) String() string {
	switch r.Kind {
	case RefParameter:
		if r.Param == nil {
			return "Parameters."
		}
		return "Parameters." + r.Param.Name()
	case RefExecution:
		return "Execution." + r.Path
	case RefProperty:
		if r.Path == "" {
			return "Steps." + sourceName(r.Source)
		}
		return "Steps." + sourceName(r.Source) + "." + r.Path
	case RefPropertyFile:
		return "Steps." + sourceName(r.Source) + ".PropertyFiles." + r.PropertyFile
	case RefExperiment:
		return "PipelineExperimentConfig." + r.Path
	}
	return ""
}

func sourceName(s Source) string {
	if s == nil {
		return ""
	}
	return s.Name()
}

// Literal is a constant: a string, an integer (int64, or *big.Int when it
// does not fit), a float64, a bool or nil (JSON null).
type Literal struct{ v any }

// Value returns the constant in its canonical Go type.
func (l Literal) Value() any { return l.v }

// Refs yields nothing.
func (l Literal) Refs() iter.Seq[Ref] { return func(func(Ref) bool) {} }

// String returns the constant as the definition would show it.
func (l Literal) String() string {
	switch x := l.v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eIN") {
			s += ".0"
		}
		return s
	}
	return fmt.Sprint(l.v)
}

func (Literal) isExpr() {}

// Get is a {"Get": path} node.
type Get struct{ ref Ref }

// Ref returns what the Get refers to.
func (g Get) Ref() Ref { return g.ref }

// Refs yields the reference.
func (g Get) Refs() iter.Seq[Ref] {
	return func(yield func(Ref) bool) { yield(g.ref) }
}

// String returns the Get path.
func (g Get) String() string { return g.ref.String() }
func (Get) isExpr()          {}

// JoinExpr is a {"Std:Join": {"On": …, "Values": […]}} node.
type JoinExpr struct {
	on     string
	values []Expr
}

// On returns the separator.
func (j JoinExpr) On() string { return j.on }

// Values returns the joined values (a copy).
func (j JoinExpr) Values() []Expr { return append([]Expr(nil), j.values...) }

// Refs yields the references of the values in order.
func (j JoinExpr) Refs() iter.Seq[Ref] { return refsOf(j) }

// String returns Join("on", [values]).
func (j JoinExpr) String() string {
	parts := make([]string, len(j.values))
	for i, v := range j.values {
		parts[i] = v.String()
	}
	return "Join(" + strconv.Quote(j.on) + ", [" + strings.Join(parts, ", ") + "])"
}

func (JoinExpr) isExpr() {}

// JsonGetExpr is a {"Std:JsonGet": …} node in one of its two forms: a
// property file of a step plus a path, or an S3 URI expression plus a path.
type JsonGetExpr struct {
	file Get  // RefPropertyFile Get, in the property file form
	s3   Expr // the S3Uri, in the S3 form
	path string
}

// PropertyFile returns the property file reference and true in the property
// file form.
func (j JsonGetExpr) PropertyFile() (Ref, bool) {
	if j.s3 != nil {
		return Ref{}, false
	}
	return j.file.ref, true
}

// S3URI returns the S3 URI expression and true in the S3 form.
func (j JsonGetExpr) S3URI() (Expr, bool) { return j.s3, j.s3 != nil }

// Path returns the JSON path into the file.
func (j JsonGetExpr) Path() string { return j.path }

// Refs yields the property file reference or the S3 URI's references.
func (j JsonGetExpr) Refs() iter.Seq[Ref] { return refsOf(j) }

// String returns JsonGet(file or URI, "path").
func (j JsonGetExpr) String() string {
	if j.s3 != nil {
		return "JsonGet(" + j.s3.String() + ", " + strconv.Quote(j.path) + ")"
	}
	return "JsonGet(" + j.file.String() + ", " + strconv.Quote(j.path) + ")"
}

func (JsonGetExpr) isExpr() {}

// InvalidExpr records a value that cannot be part of a definition (a NaN, an
// unsupported Go type, a misuse of a builder). Builders never fail; they
// leave an InvalidExpr in the expression, and the pipeline reports it.
type InvalidExpr struct{ err error }

// Invalid returns an expression that records err. A nil err is recorded
// as an ErrType problem, so the node is never taken for a valid one.
func Invalid(err error) InvalidExpr {
	if err == nil {
		err = fmt.Errorf("%w: Invalid called with a nil error", ErrType)
	}
	return InvalidExpr{err: err}
}

// Err returns the recorded problem (an ErrType problem for the zero
// InvalidExpr, which records none).
func (i InvalidExpr) Err() error {
	if i.err == nil {
		return fmt.Errorf("%w: InvalidExpr without a problem", ErrType)
	}
	return i.err
}

// Refs yields nothing.
func (i InvalidExpr) Refs() iter.Seq[Ref] { return func(func(Ref) bool) {} }

// String returns Invalid(problem).
func (i InvalidExpr) String() string { return "Invalid(" + i.Err().Error() + ")" }
func (InvalidExpr) isExpr()          {}

// Walk yields e and every expression nested in it, depth first, parents
// before children. Nil yields nothing.
func Walk(e Expr) iter.Seq[Expr] {
	return func(yield func(Expr) bool) { walk(e, yield) }
}

func walk(e Expr, yield func(Expr) bool) bool {
	if e == nil {
		return true
	}
	if !yield(e) {
		return false
	}
	switch x := e.(type) {
	case JoinExpr:
		for _, v := range x.values {
			if !walk(v, yield) {
				return false
			}
		}
	case JsonGetExpr:
		if x.s3 != nil {
			return walk(x.s3, yield)
		}
		return walk(x.file, yield)
	}
	return true
}

func refsOf(e Expr) iter.Seq[Ref] {
	return func(yield func(Ref) bool) {
		for n := range Walk(e) {
			if g, ok := n.(Get); ok && !yield(g.ref) {
				return
			}
		}
	}
}

// Problems yields the errors recorded by Invalid nodes in e.
func Problems(e Expr) iter.Seq[error] {
	return func(yield func(error) bool) {
		for n := range Walk(e) {
			if x, ok := n.(InvalidExpr); ok && !yield(x.Err()) {
				return
			}
		}
	}
}
