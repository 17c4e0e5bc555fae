package dataset

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// frame builds a block from name/values pairs (values as for
// NewColumnFromValues).
func frame(t *testing.T, pairs ...any) *Block {
	t.Helper()
	var names []string
	var cols []*Column
	for i := 0; i < len(pairs); i += 2 {
		c, err := NewColumnFromValues(pairs[i+1].([]any))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, pairs[i].(string))
		cols = append(cols, c)
	}
	b, err := NewBlockFromColumns(names, cols)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var approx = cmpopts.EquateApprox(0, 1e-12)
var nanEq = cmpopts.EquateNaNs()

func fitTransform(t *testing.T, p Preprocessor, fit *Block, apply *Block) []map[string]any {
	t.Helper()
	if err := p.Fit(context.Background(), BlocksOf(fit)); err != nil {
		t.Fatal(err)
	}
	out, err := p.TransformBatch(apply)
	if err != nil {
		t.Fatal(err)
	}
	return rows(out)
}

func TestPreprocessorsRayExamples(t *testing.T) {
	x123 := func(t *testing.T) *Block {
		return frame(t, "X1", []any{-2, 0, 2}, "X2", []any{-3, -3, 3}, "X3", []any{1, 1, 1})
	}
	sq := math.Sqrt(1.5) // population std of -2,0,2 is sqrt(8/3); 2/sqrt(8/3) = sqrt(1.5)
	tests := []struct {
		name  string
		p     Preprocessor
		fit   func(*testing.T) *Block
		apply func(*testing.T) *Block // nil: the fitted block
		want  []map[string]any
	}{
		{
			name: "StandardScaler population std, constant column to 0",
			p:    NewStandardScaler("X1", "X2", "X3"),
			fit:  x123,
			want: []map[string]any{
				{"X1": -sq, "X2": -1 / math.Sqrt2, "X3": 0.0},
				{"X1": 0.0, "X2": -1 / math.Sqrt2, "X3": 0.0},
				{"X1": sq, "X2": math.Sqrt2, "X3": 0.0},
			},
		},
		{
			name: "StandardScaler near-zero std only centres",
			p:    NewStandardScaler("x"),
			fit:  func(t *testing.T) *Block { return frame(t, "x", []any{1.0, 1.0 + 1e-12, 1.0 - 1e-12}) },
			apply: func(t *testing.T) *Block {
				return frame(t, "x", []any{3.0, nil})
			},
			want: []map[string]any{{"x": 2.0}, {"x": nil}},
		},
		{
			name:  "StandardScaler all-null column gives NaN",
			p:     NewStandardScaler("a", "b"),
			fit:   func(t *testing.T) *Block { return frame(t, "a", []any{-1, 0}, "b", []any{nil, nil}) },
			apply: func(t *testing.T) *Block { return frame(t, "a", []any{0, 0}, "b", []any{0.0, nil}) },
			want:  []map[string]any{{"a": 1.0, "b": math.NaN()}, {"a": 1.0, "b": nil}},
		},
		{
			name: "MinMaxScaler",
			p:    NewMinMaxScaler("X1", "X2", "X3"),
			fit:  x123,
			want: []map[string]any{
				{"X1": 0.0, "X2": 0.0, "X3": 0.0},
				{"X1": 0.5, "X2": 0.0, "X3": 0.0},
				{"X1": 1.0, "X2": 1.0, "X3": 0.0},
			},
		},
		{
			name: "MaxAbsScaler leaves an all-zero column",
			p:    NewMaxAbsScaler("X1", "X2", "X3"),
			fit:  func(t *testing.T) *Block { return frame(t, "X1", []any{-6, 3}, "X2", []any{2, -4}, "X3", []any{0, 0}) },
			want: []map[string]any{
				{"X1": -1.0, "X2": 0.5, "X3": 0.0},
				{"X1": 0.5, "X2": -1.0, "X3": 0.0},
			},
		},
		{
			name: "RobustScaler, zero range gives zeros",
			p:    NewRobustScaler("X1", "X2", "X3"),
			fit: func(t *testing.T) *Block {
				return frame(t, "X1", []any{1, 2, 3, 4, 5}, "X2", []any{13, 5, 14, 2, 8}, "X3", []any{1, 2, 2, 2, 3})
			},
			want: []map[string]any{
				{"X1": -1.0, "X2": 0.625, "X3": 0.0},
				{"X1": -0.5, "X2": -0.375, "X3": 0.0},
				{"X1": 0.0, "X2": 0.75, "X3": 0.0},
				{"X1": 0.5, "X2": -0.75, "X3": 0.0},
				{"X1": 1.0, "X2": 0.0, "X3": 0.0},
			},
		},
		{
			name: "OrdinalEncoder, unseen value is null",
			p:    NewOrdinalEncoder("sex", "level"),
			fit: func(t *testing.T) *Block {
				return frame(t, "sex", []any{"male", "female", "male", "female"}, "level", []any{"L4", "L5", "L3", "L4"})
			},
			apply: func(t *testing.T) *Block {
				return frame(t, "sex", []any{"male", "female", "female"}, "level", []any{"L4", "L5", "L6"})
			},
			want: []map[string]any{
				{"sex": int64(1), "level": int64(1)},
				{"sex": int64(0), "level": int64(2)},
				{"sex": int64(0), "level": nil},
			},
		},
		{
			name: "OneHotEncoder, unseen value is all zeros",
			p:    NewOneHotEncoder("color"),
			fit: func(t *testing.T) *Block {
				return frame(t, "id", []any{1, 2, 3, 4, 5, 6}, "color", []any{"red", "green", "red", "red", "blue", "green"})
			},
			apply: func(t *testing.T) *Block {
				return frame(t, "id", []any{7, 8}, "color", []any{"green", "yellow"})
			},
			want: []map[string]any{
				{"id": int64(7), "color_blue": int64(0), "color_green": int64(1), "color_red": int64(0)},
				{"id": int64(8), "color_blue": int64(0), "color_green": int64(0), "color_red": int64(0)},
			},
		},
		{
			name: "OneHotEncoder max categories keeps the most frequent",
			p:    &OneHotEncoder{Columns: []string{"color"}, MaxCategories: map[string]int{"color": 2}},
			fit: func(t *testing.T) *Block {
				return frame(t, "color", []any{"red", "green", "red", "red", "blue", "green"})
			},
			want: []map[string]any{
				{"color_red": int64(1), "color_green": int64(0)},
				{"color_red": int64(0), "color_green": int64(1)},
				{"color_red": int64(1), "color_green": int64(0)},
				{"color_red": int64(1), "color_green": int64(0)},
				{"color_red": int64(0), "color_green": int64(0)},
				{"color_red": int64(0), "color_green": int64(1)},
			},
		},
		{
			name: "LabelEncoder",
			p:    NewLabelEncoder("species"),
			fit: func(t *testing.T) *Block {
				return frame(t, "w", []any{5.1, 7, 4.9, 6.2}, "species", []any{"setosa", "versicolor", "setosa", "virginica"})
			},
			apply: func(t *testing.T) *Block {
				return frame(t, "w", []any{4.2, 1.0}, "species", []any{"bracteata", "virginica"})
			},
			want: []map[string]any{{"w": 4.2, "species": nil}, {"w": 1.0, "species": int64(2)}},
		},
		{
			name: "SimpleImputer mean (NaN is missing, int becomes float)",
			p:    NewSimpleImputer(ImputeMean, "a", "b"),
			fit:  func(t *testing.T) *Block { return frame(t, "a", []any{1, nil, 4}, "b", []any{1.0, math.NaN(), 2.0}) },
			want: []map[string]any{{"a": 1.0, "b": 1.0}, {"a": 2.5, "b": 1.5}, {"a": 4.0, "b": 2.0}},
		},
		{
			name: "SimpleImputer most frequent, ties to the smallest",
			p:    NewSimpleImputer(ImputeMostFrequent, "s", "n"),
			fit: func(t *testing.T) *Block {
				return frame(t, "s", []any{"b", "a", nil, "b", "a"}, "n", []any{3, 3, 1, 1, nil})
			},
			want: []map[string]any{
				{"s": "b", "n": int64(3)}, {"s": "a", "n": int64(3)}, {"s": "a", "n": int64(1)},
				{"s": "b", "n": int64(1)}, {"s": "a", "n": int64(1)},
			},
		},
		{
			name:  "SimpleImputer constant creates a missing column",
			p:     NewConstantImputer(StringScalar("none"), "s", "extra"),
			fit:   func(t *testing.T) *Block { return frame(t, "s", []any{"x", nil}) },
			want:  []map[string]any{{"s": "x", "extra": "none"}, {"s": "none", "extra": "none"}},
			apply: nil,
		},
		{
			name: "Concatenator packs into a vector, nulls as NaN",
			p:    NewConcatenator("", "a", "b"),
			fit: func(t *testing.T) *Block {
				return frame(t, "id", []any{"p", "q"}, "a", []any{1, 2}, "b", []any{0.5, nil})
			},
			want: []map[string]any{
				{"id": "p", "concat_out": []float64{1, 0.5}},
				{"id": "q", "concat_out": []float64{2, math.NaN()}},
			},
		},
		{
			name: "Chain fits each stage on the previous output",
			p:    NewChain(NewSimpleImputer(ImputeMean, "a"), NewMinMaxScaler("a")),
			fit:  func(t *testing.T) *Block { return frame(t, "a", []any{0.0, nil, 4.0}) },
			want: []map[string]any{{"a": 0.0}, {"a": 0.5}, {"a": 1.0}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fit := tc.fit(t)
			apply := fit
			if tc.apply != nil {
				apply = tc.apply(t)
			}
			got := fitTransform(t, tc.p, fit, apply)
			if d := cmp.Diff(tc.want, got, approx, nanEq); d != "" {
				t.Error(d)
			}
			// The fitted state survives JSON and gives the same output.
			data, err := MarshalPreprocessor(tc.p)
			if err != nil {
				t.Fatal(err)
			}
			back, err := UnmarshalPreprocessor(data)
			if err != nil {
				t.Fatalf("%s: %v", data, err)
			}
			out, err := back.TransformBatch(apply)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(got, rows(out), nanEq); d != "" {
				t.Errorf("after JSON round trip %s: %s", data, d)
			}
		})
	}
}

func TestPreprocessorErrors(t *testing.T) {
	ctx := context.Background()
	b := frame(t, "x", []any{1.0, 2.0}, "s", []any{"a", "b"})
	all := []Preprocessor{
		NewStandardScaler("x"), NewMinMaxScaler("x"), NewMaxAbsScaler("x"), NewRobustScaler("x"),
		NewSimpleImputer(ImputeMean, "x"), NewOneHotEncoder("s"), NewOrdinalEncoder("s"), NewLabelEncoder("s"),
		NewChain(NewStandardScaler("x")),
	}
	for _, p := range all {
		name, _ := preprocessorName(p)
		t.Run(name+" not fitted", func(t *testing.T) {
			if p.Fitted() {
				t.Fatal("fitted before Fit")
			}
			if _, err := p.TransformBatch(b); !errors.Is(err, ErrNotFitted) {
				t.Errorf("err = %v", err)
			}
		})
	}
	t.Run("missing column lists the available ones", func(t *testing.T) {
		for _, p := range []Preprocessor{NewStandardScaler("nope"), NewOneHotEncoder("nope"), NewRobustScaler("nope"),
			NewSimpleImputer(ImputeMostFrequent, "nope")} {
			err := p.Fit(ctx, BlocksOf(b))
			var mc *MissingColumnError
			if !errors.As(err, &mc) || !cmp.Equal(mc.Available, []string{"x", "s"}) {
				t.Errorf("%T: err = %v", p, err)
			}
		}
	})
	t.Run("string column is not numeric", func(t *testing.T) {
		err := NewStandardScaler("s").Fit(ctx, BlocksOf(b))
		if !errors.Is(err, ErrTypeConflict) || !strings.Contains(err.Error(), `"s"`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("bad settings", func(t *testing.T) {
		for _, p := range []Preprocessor{
			NewStandardScaler(), NewSimpleImputer("median", "x"), &SimpleImputer{Columns: []string{"x"}, Strategy: ImputeConstant},
			&RobustScaler{Columns: []string{"x"}, QuantileRange: [2]float64{0.6, 0.9}}, NewChain(),
		} {
			if err := p.Fit(ctx, BlocksOf(b)); !errors.Is(err, ErrPreprocessor) {
				t.Errorf("%T: err = %v", p, err)
			}
		}
	})
	t.Run("fill type conflict", func(t *testing.T) {
		p := NewConstantImputer(StringScalar("x"), "x")
		if _, err := p.TransformBatch(b); !errors.Is(err, ErrTypeConflict) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unknown serialised type", func(t *testing.T) {
		if _, err := UnmarshalPreprocessor([]byte(`{"type":"Tokenizer","state":{}}`)); !errors.Is(err, ErrPreprocessor) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("source error stops the fit", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := NewStandardScaler("x").Fit(cctx, BlocksOf(b)); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("concatenator missing column", func(t *testing.T) {
		c := &Concatenator{Columns: []string{"x", "y"}, OutputColumn: "v", RaiseIfMissing: true}
		if _, err := c.TransformBatch(b); !errors.Is(err, ErrColumnNotFound) {
			t.Errorf("err = %v", err)
		}
		c.RaiseIfMissing = false
		out, err := c.TransformBatch(b)
		if err != nil || out.Schema().String() != "{s: string, v: vector}" {
			t.Errorf("%v %v", out, err)
		}
	})
}

// TestStandardScalerBlockInvariance: fitting on one block or on many gives
// the same statistics (to rounding), and re-fitting replaces the state.
func TestStandardScalerBlockInvariance(t *testing.T) {
	vals := make([]float64, 1000)
	for i := range vals {
		vals[i] = 1e6 + float64(i*i%97) + 0.25*float64(i%7)
	}
	one, _ := NewBlockFromColumns([]string{"v"}, []*Column{NewFloat64Column(vals, nil)})
	var parts []*Block
	for lo := 0; lo < len(vals); lo += 73 {
		parts = append(parts, one.Slice(lo, min(lo+73, len(vals))))
	}
	a, b := NewStandardScaler("v"), NewStandardScaler("v")
	ctx := context.Background()
	if err := a.Fit(ctx, BlocksOf(one)); err != nil {
		t.Fatal(err)
	}
	if err := b.Fit(ctx, BlocksOf(parts...)); err != nil {
		t.Fatal(err)
	}
	near := cmp.Comparer(func(x, y Float) bool {
		return math.Abs(float64(x-y)) <= 1e-12*math.Max(math.Abs(float64(x)), math.Abs(float64(y)))
	})
	if d := cmp.Diff(a, b, near); d != "" {
		t.Error(d)
	}
	// A straightforward two-pass reference.
	var sum float64
	for _, v := range vals {
		sum += v
	}
	mean := sum / float64(len(vals))
	var ss float64
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	if math.Abs(float64(a.Mean[0])-mean) > 1e-9 || math.Abs(float64(a.Std[0])-math.Sqrt(ss/float64(len(vals)))) > 1e-9 {
		t.Errorf("mean %v std %v, want %v %v", a.Mean[0], a.Std[0], mean, math.Sqrt(ss/float64(len(vals))))
	}
	// Fit(A) then Fit(B) equals Fit(B).
	other := frame(t, "v", []any{1.0, 3.0})
	if err := a.Fit(ctx, BlocksOf(other)); err != nil {
		t.Fatal(err)
	}
	if a.Mean[0] != 2 || a.Std[0] != 1 {
		t.Errorf("refit: mean %v std %v", a.Mean[0], a.Std[0])
	}
}

func TestLabelEncoderInverse(t *testing.T) {
	e := NewLabelEncoder("y")
	b := frame(t, "y", []any{"b", "a", "c"})
	if err := e.Fit(context.Background(), BlocksOf(b)); err != nil {
		t.Fatal(err)
	}
	enc, err := e.TransformBatch(b)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := e.InverseTransformBatch(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !dec.Equal(b) {
		t.Errorf("got %v", rows(dec))
	}
	codes := frame(t, "y", []any{int64(7), nil})
	dec, err = e.InverseTransformBatch(codes)
	if err != nil || dec.Column(0).Type() != String || dec.Column(0).NullCount() != 2 {
		t.Errorf("%v %v", dec, err)
	}
}

func TestFittedStateJSON(t *testing.T) {
	s := NewStandardScaler("a", "b")
	if err := s.Fit(context.Background(), BlocksOf(frame(t, "a", []any{1.0, 3.0}, "b", []any{nil, nil}))); err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"columns":["a","b"],"mean":[2,"NaN"],"std":[1,"NaN"]}`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	o := NewOneHotEncoder("c")
	if err := o.Fit(context.Background(), BlocksOf(frame(t, "c", []any{int64(2), int64(1)}))); err != nil {
		t.Fatal(err)
	}
	got, _ = json.Marshal(o)
	want = `{"columns":["c"],"categories":[[{"type":"int64","value":1},{"type":"int64","value":2}]]}`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	ch, _ := MarshalPreprocessor(NewChain(s, o))
	if !strings.HasPrefix(string(ch), `{"type":"Chain","state":{"stages":[{"type":"StandardScaler","state":{"columns":["a","b"]`) {
		t.Errorf("chain %s", ch)
	}
}

// TestPreprocessorsOnDatasets: for every preprocessor, FitTransform and
// Transform on a dataset equal TransformBatch on the whole data, whatever
// the block layout and parallelism.
func TestPreprocessorsOnDatasets(t *testing.T) {
	ctx := context.Background()
	items := []Row{
		{"c": "b", "x": 1.0, "n": int64(3)},
		{"c": "a", "x": nil, "n": int64(1)},
		{"c": "b", "x": 4.0, "n": nil},
		{"c": "c", "x": -2.0, "n": int64(8)},
		{"c": "a", "x": 0.5, "n": int64(2)},
	}
	type fitTransformer interface {
		Preprocessor
		FitTransform(context.Context, *Dataset) (*Dataset, error)
		Transform(*Dataset) *Dataset
	}
	all := []func() fitTransformer{
		func() fitTransformer { return NewStandardScaler("x", "n") },
		func() fitTransformer { return NewMinMaxScaler("x", "n") },
		func() fitTransformer { return NewMaxAbsScaler("x", "n") },
		func() fitTransformer { return NewRobustScaler("x", "n") },
		func() fitTransformer { return NewSimpleImputer(ImputeMostFrequent, "x", "n", "c") },
		func() fitTransformer { return NewOneHotEncoder("c") },
		func() fitTransformer { return NewOrdinalEncoder("c", "n") },
		func() fitTransformer { return NewLabelEncoder("c") },
		func() fitTransformer { return NewConcatenator("v", "x", "n") },
		func() fitTransformer {
			return NewChain(NewSimpleImputer(ImputeMean, "x", "n"), NewStandardScaler("x"), NewOneHotEncoder("c"))
		},
	}
	whole, err := FromItems(nil, items, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := collect(t, whole)
	for _, mk := range all {
		name, _ := preprocessorName(mk())
		t.Run(name, func(t *testing.T) {
			p := mk()
			if err := p.Fit(ctx, BlocksOf(ref)); err != nil {
				t.Fatal(err)
			}
			want, err := p.TransformBatch(ref)
			if err != nil {
				t.Fatal(err)
			}
			for _, opts := range []Options{{BlockRows: 1, Parallelism: 1}, {BlockRows: 2, Parallelism: 8}} {
				ds, err := FromItems(nil, items, opts)
				if err != nil {
					t.Fatal(err)
				}
				q := mk()
				out, err := q.FitTransform(ctx, ds)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(rows(want), rows(collect(t, out)), approx, nanEq); d != "" {
					t.Errorf("%+v FitTransform: %s", opts, d)
				}
				if d := cmp.Diff(rows(want), rows(collect(t, q.Transform(ds))), approx, nanEq); d != "" {
					t.Errorf("%+v Transform: %s", opts, d)
				}
			}
		})
	}
}

func TestScalarAndFloatJSON(t *testing.T) {
	tests := []struct {
		s    Scalar
		json string
		str  string
	}{
		{FloatScalar(1.5), `{"type":"float64","value":1.5}`, "1.5"},
		{FloatScalar(math.Inf(-1)), `{"type":"float64","value":"-Infinity"}`, "-Inf"},
		{FloatScalar(math.Inf(1)), `{"type":"float64","value":"Infinity"}`, "+Inf"},
		{IntScalar(-3), `{"type":"int64","value":-3}`, "-3"},
		{StringScalar("a\"b"), `{"type":"string","value":"a\"b"}`, "a\"b"},
		{BoolScalar(true), `{"type":"bool","value":true}`, "true"},
	}
	for _, tc := range tests {
		t.Run(tc.str, func(t *testing.T) {
			got, err := json.Marshal(tc.s)
			if err != nil || string(got) != tc.json {
				t.Fatalf("got %s %v, want %s", got, err, tc.json)
			}
			var back Scalar
			if err := json.Unmarshal(got, &back); err != nil || back != tc.s {
				t.Errorf("back %+v %v", back, err)
			}
			if tc.s.String() != tc.str {
				t.Errorf("String %q", tc.s.String())
			}
		})
	}
	var f Float
	if err := json.Unmarshal([]byte("null"), &f); err != nil || !math.IsNaN(float64(f)) {
		t.Errorf("null: %v %v", f, err)
	}
	var s Scalar
	if err := json.Unmarshal([]byte(`{"type":"date","value":1}`), &s); !errors.Is(err, ErrPreprocessor) {
		t.Errorf("err = %v", err)
	}
	// Sort order of categories: numbers ascending, false before true.
	cats := []Scalar{BoolScalar(true), BoolScalar(false), FloatScalar(2), FloatScalar(-1), IntScalar(5), IntScalar(-5)}
	slices.SortFunc(cats, compareScalars)
	want := []Scalar{FloatScalar(-1), FloatScalar(2), IntScalar(-5), IntScalar(5), BoolScalar(false), BoolScalar(true)}
	if d := cmp.Diff(want, cats); d != "" {
		t.Error(d)
	}
}
