package pyjson

import (
	"errors"
	"iter"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func goldenFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	return files
}

// plain turns a decoded tree into comparable values (objects as member lists).
func plain(v any) any {
	switch x := v.(type) {
	case *Object:
		var out [][2]any
		for k, e := range x.Members() {
			out = append(out, [2]any{k, plain(e)})
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case *big.Int:
		return "big:" + x.String()
	}
	return v
}

func TestUnmarshal(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"int", `42`, int64(42)},
		{"negative zero int", `-0`, int64(0)},
		{"float", ` 1.5 `, 1.5},
		{"exponent is float", `1E2`, 100.0},
		{"big", `123456789012345678901234567890`, "big:123456789012345678901234567890"},
		{"underflow", `1e-400`, 0.0},
		{"string escapes", `"a\/b\u00e9\ud83d\ude00\n"`, "a/bé😀\n"},
		{"lone surrogate", `"\ud800x"`, "\xed\xa0\x80x"},
		{"array", `[1, "a", null, true, [], {}]`, []any{int64(1), "a", nil, true, []any{}, [][2]any(nil)}},
		{"duplicate key keeps first position, last value", `{"a": 1, "b": 2, "a": 3}`, [][2]any{{"a", int64(3)}, {"b", int64(2)}}},
		{"whitespace", "\t{\n\"k\"\r:\t[ ]\n}\n", [][2]any{{"k", []any{}}}},
		{"byte order mark", "\xef\xbb\xbf[]", []any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Unmarshal([]byte(tt.in))
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, plain(got)); diff != "" {
				t.Errorf("Unmarshal(%s) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int64
		msg    string
	}{
		{``, 0, "expecting value"},
		{`NaN`, 0, "expecting value"},
		{`[Infinity]`, 1, "expecting value"},
		{`-Infinity`, 0, "expecting value"},
		{`1e400`, 0, "out of float range"},
		{`01`, 1, "extra data"},
		{`1.`, 1, "extra data"},
		{`[1,]`, 3, "expecting value"},
		{`{"a" 1}`, 5, "expecting ':'"},
		{`{'a': 1}`, 1, "double quotes"},
		{`{"a": 1,}`, 8, "double quotes"},
		{`"abc`, 0, "unterminated"},
		{"\"a\tb\"", 2, "control character"},
		{`"\x"`, 1, "escape"},
		{`"\u12g4"`, 1, "\\uXXXX"},
		{"\"\xff\"", 1, "invalid UTF-8"},
		{"\"\\n\xed\xa0\x80\"", 3, "invalid UTF-8"},
		{"\xef\xbb\xbf\xef\xbb\xbf{}", 3, "expecting value"},
		{`[1] [2]`, 4, "extra data"},
		{strings.Repeat("[", MaxDepth+1), MaxDepth, "nesting"},
		{strings.Repeat("9", 4301), 0, "digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in[:min(len(tt.in), 20)], func(t *testing.T) {
			_, err := Unmarshal([]byte(tt.in))
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Unmarshal(%q) error = %v, want *SyntaxError", tt.in, err)
			}
			if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("Unmarshal(%q) = offset %d %q, want offset %d containing %q", tt.in, se.Offset, se.Msg, tt.offset, tt.msg)
			}
		})
	}
}

func TestObject(t *testing.T) {
	o := NewObject()
	for i := range 20 {
		o.Set(string(rune('a'+i)), i)
	}
	o.Set("c", "again")
	if o.Len() != 20 {
		t.Fatalf("Len = %d, want 20", o.Len())
	}
	if v, ok := o.Get("c"); !ok || v != "again" {
		t.Errorf("Get(c) = %v, %v", v, ok)
	}
	if _, ok := o.Get("zz"); ok {
		t.Error("Get(zz) found a missing key")
	}
	if keys := o.Keys(); keys[2] != "c" || keys[19] != "t" {
		t.Errorf("Keys = %v", keys)
	}
	var nilObj *Object
	if nilObj.Len() != 0 {
		t.Error("nil object not empty")
	}
}

// TestDocuments decodes 300 random documents written by CPython's
// json.dumps (nested objects and lists, big integers, floats, control and
// astral characters) and encodes them again: the bytes must be Python's.
func TestDocuments(t *testing.T) {
	n := 0
	for line, v := range pythonLines(t, "testdata/documents.txt") {
		got, err := Marshal(v)
		if err != nil || string(got) != line {
			t.Fatalf("Marshal:\n got %s (%v)\nwant %s", got, err, line)
		}
		n++
	}
	if n != 300 {
		t.Fatalf("%d documents checked, want 300", n)
	}
}

// pythonLines yields each line of a file of json.dumps outputs (lines
// starting with # are comments) with what Unmarshal makes of it.
func pythonLines(t *testing.T, name string) iter.Seq2[string, any] {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return func(yield func(string, any) bool) {
		for line := range strings.Lines(string(data)) {
			line = strings.TrimSuffix(line, "\n")
			if strings.HasPrefix(line, "#") {
				continue
			}
			v, err := Unmarshal([]byte(line))
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", line, err)
			}
			if !yield(line, v) {
				return
			}
		}
	}
}
