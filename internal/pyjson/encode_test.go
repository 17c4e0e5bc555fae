package pyjson

import (
	"bufio"
	"encoding/json"
	"errors"
	"iter"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"
)

type kind string

type pair struct {
	k string
	v any
}

type ordered []pair

func (o ordered) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, p := range o {
			if !yield(p.k, p.v) {
				return
			}
		}
	}
}

type stand struct{ v any }

func (s stand) PyJSON() any { return s.v }

func TestMarshal(t *testing.T) {
	big1, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"null", nil, `null`},
		{"true", true, `true`},
		{"false", false, `false`},
		{"int", 1, `1`},
		{"negative int64", int64(-42), `-42`},
		{"uint8", uint8(200), `200`},
		{"uint64 max", uint64(math.MaxUint64), `18446744073709551615`},
		{"big int", big1, `123456789012345678901234567890`},
		{"integral float", 15000.0, `15000.0`},
		{"float", 0.7, `0.7`},
		{"small float", 1e-05, `1e-05`},
		{"large float", 1e16, `1e+16`},
		{"negative zero", math.Copysign(0, -1), `-0.0`},
		{"string", "a/b<c>&d", `"a/b<c>&d"`},
		{"named string", kind("Training"), `"Training"`},
		{"empty list", []any{}, `[]`},
		{"nil slice", []int(nil), `[]`},
		{"list", []any{"a", 1, 1.0, nil, false}, `["a", 1, 1.0, null, false]`},
		{"string list", []string{"x", "y"}, `["x", "y"]`},
		{"int slice", []int{1, 2}, `[1, 2]`},
		{"empty object", NewObject(), `{}`},
		{"object", NewObject().Set("b", 1).Set("a", []any{}).Set("b", 2), `{"b": 2, "a": []}`},
		{"members", ordered{{"On", ""}, {"Values", []any{1}}}, `{"On": "", "Values": [1]}`},
		{"pyjson", stand{ordered{{"Get", "Parameters.X"}}}, `{"Get": "Parameters.X"}`},
		{"nested", NewObject().Set("x", NewObject().Set("y", []any{NewObject()})), `{"x": {"y": [{}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.in)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestMarshalErrors(t *testing.T) {
	custom := errors.New("custom problem")
	tests := []struct {
		name string
		in   any
		want error
		path string
	}{
		{"NaN", math.NaN(), ErrNaN, ""},
		{"Inf in list", []any{1, math.Inf(1)}, ErrNaN, "$[1]"},
		{"Inf in object", NewObject().Set("a", NewObject().Set("b", math.Inf(-1))), ErrNaN, "$.a.b"},
		{"map", map[string]int{"a": 1}, ErrUnsupported, ""},
		{"struct", struct{}{}, ErrUnsupported, ""},
		{"float32", float32(1), ErrUnsupported, ""},
		{"invalid utf8", "a\xffb", ErrInvalidUTF8, ""},
		{"error value", NewObject().Set("k", custom), custom, "$.k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("prefix")
			got, err := Append(dst, tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Append error = %v, want %v", err, tt.want)
			}
			if string(got) != "prefix" {
				t.Errorf("Append returned %q on error, want the original dst", got)
			}
			if tt.path != "" && !strings.Contains(err.Error(), "at "+tt.path+":") {
				t.Errorf("error %q does not name path %s", err, tt.path)
			}
		})
	}
}

func TestMarshalDepth(t *testing.T) {
	var v any = 1
	for range MaxDepth + 2 {
		v = []any{v}
	}
	if _, err := Marshal(v); !errors.Is(err, ErrDepth) {
		t.Fatalf("Marshal of deep nesting: %v, want ErrDepth", err)
	}
	var self stand
	self.v = &self
	if _, err := Marshal(self); !errors.Is(err, ErrDepth) {
		t.Fatalf("Marshal of a self-referencing value: %v, want ErrDepth", err)
	}
}

// TestFloatRepr compares AppendFloat with CPython's repr on thousands of
// floats (edge cases plus random bit patterns) recorded in testdata.
func TestFloatRepr(t *testing.T) {
	f, err := os.Open("testdata/float_repr.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		hexBits, want, _ := strings.Cut(line, " ")
		bits, err := strconv.ParseUint(hexBits, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		v := math.Float64frombits(bits)
		got, err := AppendFloat(nil, v)
		if err != nil {
			t.Fatalf("AppendFloat(%v): %v", v, err)
		}
		if string(got) != want {
			t.Errorf("AppendFloat(%x) = %s, Python repr %s", bits, got, want)
		}
		n++
	}
	if n < 5000 {
		t.Fatalf("only %d floats checked", n)
	}
}

// TestStrings decodes CPython's json.dumps of several hundred strings and
// checks that encoding them again gives Python's bytes.
func TestStrings(t *testing.T) {
	n := 0
	for line, v := range pythonLines(t, "testdata/strings.txt") {
		got, err := Marshal(v)
		if err != nil {
			t.Fatalf("Marshal(%q): %v", v, err)
		}
		if string(got) != line {
			t.Errorf("Marshal(%q) = %s, Python %s", v, got, line)
		}
		if s := v.(string); !strings.Contains(line, `\ud8`) && !strings.Contains(line, `\udc`) {
			// Independent check of the decoded text with encoding/json.
			var std string
			if err := json.Unmarshal([]byte(line), &std); err != nil || std != s {
				t.Errorf("encoding/json reads %s as %q, we read %q", line, std, s)
			}
		}
		n++
	}
	if n < 300 {
		t.Fatalf("only %d strings checked", n)
	}
}

func TestEscapes(t *testing.T) {
	got, err := Marshal("\x00\x1f\x7f\u0080\u2028é😀\"\\\n\r\t\b\f/")
	if err != nil {
		t.Fatal(err)
	}
	want := `"\u0000\u001f\u007f\u0080\u2028\u00e9\ud83d\ude00\"\\\n\r\t\b\f/"`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestGoldenRoundTrip decodes each SDK-produced definition and encodes it
// again: the bytes must be identical.
func TestGoldenRoundTrip(t *testing.T) {
	files := goldenFiles(t)
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			v, err := Unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			got, err := Marshal(v)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(got) != string(data) {
				t.Errorf("round trip differs:\n got %s\nwant %s", got, data)
			}
		})
	}
}

func BenchmarkMarshalSeed(b *testing.B) {
	data, err := os.ReadFile("testdata/golden/seed-pipeline.sdk-2.257.6.json")
	if err != nil {
		b.Fatal(err)
	}
	v, err := Unmarshal(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	buf := make([]byte, 0, len(data))
	for b.Loop() {
		if buf, err = Append(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStdlibMarshalSeed is the baseline for BenchmarkMarshalSeed:
// encoding/json writing the same document (decoded into maps, so its keys
// come out sorted and its separators differ: not a usable definition).
func BenchmarkStdlibMarshalSeed(b *testing.B) {
	data, err := os.ReadFile("testdata/golden/seed-pipeline.sdk-2.257.6.json")
	if err != nil {
		b.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStdlibUnmarshalSeed is the baseline for BenchmarkUnmarshalSeed.
func BenchmarkStdlibUnmarshalSeed(b *testing.B) {
	data, err := os.ReadFile("testdata/golden/seed-pipeline.sdk-2.257.6.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalSeed(b *testing.B) {
	data, err := os.ReadFile("testdata/golden/seed-pipeline.sdk-2.257.6.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Unmarshal(data); err != nil {
			b.Fatal(err)
		}
	}
}
