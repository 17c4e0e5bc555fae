package dataset

import (
	"errors"
	"fmt"
	"strings"
)

// Type is the logical type of a column. Every column holds values of exactly
// one Type; a missing value is a null, recorded in the column's validity.
type Type uint8

const (
	// Invalid is the zero Type; no column has it.
	Invalid Type = iota
	// Float64 columns hold IEEE-754 doubles.
	Float64
	// Int64 columns hold signed 64-bit integers.
	Int64
	// String columns hold UTF-8 strings.
	String
	// Bool columns hold booleans.
	Bool
	// Vector columns hold a fixed-length []float64 per row (a tensor column,
	// as the Concatenator produces). Every row of a column has the same
	// length, the column's Dim. Vector columns cannot be written to CSV.
	Vector
)

// String returns the lower-case name of t ("float64", "int64", "string",
// "bool", "vector").
func (t Type) String() string {
	switch t {
	case Float64:
		return "float64"
	case Int64:
		return "int64"
	case String:
		return "string"
	case Bool:
		return "bool"
	case Vector:
		return "vector"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// IsNumeric reports whether t is Float64 or Int64.
func (t Type) IsNumeric() bool { return t == Float64 || t == Int64 }

// Field names and types one column of a Schema. Nullable says the column may
// hold nulls; a reader sets it when the source can express missing values.
type Field struct {
	Name     string
	Type     Type
	Nullable bool
}

// String renders f as "name: type" with a trailing "?" when nullable.
func (f Field) String() string {
	if f.Nullable {
		return f.Name + ": " + f.Type.String() + "?"
	}
	return f.Name + ": " + f.Type.String()
}

// Schema is the ordered list of fields of a block or dataset. Column names
// are unique within a schema. A Schema is a value: methods never modify it.
type Schema struct {
	Fields []Field
}

// NewSchema returns a Schema of the given fields. It does not check names
// for uniqueness; NewBlock does.
func NewSchema(fields ...Field) Schema { return Schema{Fields: fields} }

// Len returns the number of fields.
func (s Schema) Len() int { return len(s.Fields) }

// Index returns the position of the field called name.
func (s Schema) Index(name string) (int, bool) {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return i, true
		}
	}
	return -1, false
}

// Field returns the field called name, or a *MissingColumnError listing the
// available names.
func (s Schema) Field(name string) (Field, error) {
	i, ok := s.Index(name)
	if !ok {
		return Field{}, &MissingColumnError{Column: name, Available: s.Names()}
	}
	return s.Fields[i], nil
}

// Names returns the field names in schema order.
func (s Schema) Names() []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}

// Equal reports whether s and o have the same names and types in the same
// order. Nullability is ignored: a block without nulls fits a nullable schema.
func (s Schema) Equal(o Schema) bool {
	if len(s.Fields) != len(o.Fields) {
		return false
	}
	for i := range s.Fields {
		if s.Fields[i].Name != o.Fields[i].Name || s.Fields[i].Type != o.Fields[i].Type {
			return false
		}
	}
	return true
}

// Select returns the schema of the named fields, in the order given.
func (s Schema) Select(names ...string) (Schema, error) {
	out := Schema{Fields: make([]Field, 0, len(names))}
	for _, n := range names {
		f, err := s.Field(n)
		if err != nil {
			return Schema{}, err
		}
		out.Fields = append(out.Fields, f)
	}
	return out, nil
}

// String renders the schema as "{a: float64, b: string?}".
func (s Schema) String() string {
	parts := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		parts[i] = f.String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (s Schema) clone() Schema {
	return Schema{Fields: append([]Field(nil), s.Fields...)}
}

// Errors of the data layer. Each failure site wraps one of these (or returns
// a typed error whose Is matches it) and names the file, column or value.
var (
	// ErrColumnNotFound: a named column does not exist (see MissingColumnError).
	ErrColumnNotFound = errors.New("dataset: column not found")
	// ErrTypeConflict: two sources or blocks disagree on a column's type (see TypeConflictError).
	ErrTypeConflict = errors.New("dataset: type conflict")
	// ErrMalformed: input that cannot be parsed (see ParseError).
	ErrMalformed = errors.New("dataset: malformed input")
	// ErrSchemaMismatch: blocks with different columns were combined, or a
	// column does not fit its field.
	ErrSchemaMismatch = errors.New("dataset: schema mismatch")
	// ErrNoFiles: a read path matched no data files.
	ErrNoFiles = errors.New("dataset: no input files")
	// ErrNilFunc: a user function, or the function an actor constructor
	// returned, is nil.
	ErrNilFunc = errors.New("dataset: nil function")
	// ErrInvalidPlan: a plan holds a node the executor cannot run.
	ErrInvalidPlan = errors.New("dataset: invalid plan")
	// ErrInvalidArgument: an argument is outside its range (Repartition(0)).
	ErrInvalidArgument = errors.New("dataset: invalid argument")
)

// MissingColumnError reports a column name that is not in a schema, with the
// names that are.
type MissingColumnError struct {
	Column    string
	Available []string
	// Source names the file or operator that lacked the column, if known.
	Source string
}

// Error names the missing column and where it was wanted.
func (e *MissingColumnError) Error() string {
	where := ""
	if e.Source != "" {
		where = " in " + e.Source
	}
	return fmt.Sprintf("dataset: column %q not found%s; available columns: [%s]",
		e.Column, where, strings.Join(e.Available, ", "))
}

// Is makes errors.Is(err, ErrColumnNotFound) true.
func (e *MissingColumnError) Is(target error) bool { return target == ErrColumnNotFound }

// TypeConflictError reports that one column has different types in two
// places (files, blocks).
type TypeConflictError struct {
	Column     string
	First      string // where the first type was seen (a file path)
	FirstType  Type
	Second     string // where the conflicting type was seen
	SecondType Type
}

// Error names the column and both of its types with their sources.
func (e *TypeConflictError) Error() string {
	return fmt.Sprintf("dataset: type conflict in column %q: %s in %s but %s in %s",
		e.Column, e.FirstType, e.First, e.SecondType, e.Second)
}

// Is makes errors.Is(err, ErrTypeConflict) true.
func (e *TypeConflictError) Is(target error) bool { return target == ErrTypeConflict }

// ParseError locates malformed input: the file, the 1-based line, and the
// column (by name when the header gave one, and 1-based field number).
type ParseError struct {
	File   string
	Line   int
	Field  int    // 1-based field number, 0 if not about one field
	Column string // column name, "" if unknown
	Err    error  // what was wrong
}

// Error names the file, the place in it and the cause.
func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dataset: malformed input %s line %d", e.File, e.Line)
	if e.Field > 0 {
		fmt.Fprintf(&b, " field %d", e.Field)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, " (column %q)", e.Column)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrMalformed) true.
func (e *ParseError) Is(target error) bool { return target == ErrMalformed }
