package pyjson

import (
	"errors"
	"testing"
)

type leaf struct{ s string }

func TestAppendExt(t *testing.T) {
	ext := func(dst []byte, v any) ([]byte, bool, error) {
		l, ok := v.(leaf)
		if !ok {
			return dst, false, nil
		}
		if l.s == "bad" {
			return dst, true, errors.New("bad leaf")
		}
		out, err := AppendStrings(dst, "<", l.s, ">")
		return out, true, err
	}
	doc := NewObject().Set("a", []any{leaf{"x"}, RawJSON(`{"b": 1}`)}).Set("c", leaf{"é"})
	got, err := MarshalExt(doc, ext)
	if want := `{"a": ["<x>", {"b": 1}], "c": "<\u00e9>"}`; err != nil || string(got) != want {
		t.Errorf("got %s (%v), want %s", got, err, want)
	}
	if _, err := MarshalExt([]any{leaf{"bad"}}, ext); err == nil || err.Error() != "at $[0]: bad leaf" {
		t.Errorf("error = %v", err)
	}
	if _, err := Marshal(leaf{"x"}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("without the extension: %v", err)
	}
}

func TestObjectGrowsPastInline(t *testing.T) {
	o := NewObject()
	for i, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		o.Set(k, i)
	}
	o.Set("c", "again")
	got, err := Marshal(o)
	if want := `{"a": 0, "b": 1, "c": "again", "d": 3, "e": 4, "f": 5, "g": 6, "h": 7, "i": 8, "j": 9}`; err != nil || string(got) != want {
		t.Errorf("got %s (%v)", got, err)
	}
}
