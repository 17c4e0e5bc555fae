package pyjson

import (
	"encoding/json"
	"os"
	"testing"
	"unicode/utf8"
)

// FuzzUnmarshal checks that whatever decodes re-encodes to a fixpoint:
// Marshal(Unmarshal(x)) decodes again and encodes to the same bytes, and is
// JSON that encoding/json accepts.
func FuzzUnmarshal(f *testing.F) {
	for _, name := range goldenFiles(f) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{`{"a": [1, 2.5, -0.0, 1e-05, "\ud800", "\ud83d\ude00"]}`, `[1e400]`, `"\u2028"`, `123456789012345678901234567890`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unmarshal(data)
		if err != nil {
			return
		}
		once, err := Marshal(v)
		if err != nil {
			t.Fatalf("Marshal of decoded %q: %v", data, err)
		}
		v2, err := Unmarshal(once)
		if err != nil {
			t.Fatalf("Unmarshal of re-encoded %q: %v", once, err)
		}
		twice, err := Marshal(v2)
		if err != nil {
			t.Fatal(err)
		}
		if string(once) != string(twice) {
			t.Fatalf("not a fixpoint:\n%s\n%s", once, twice)
		}
		if !json.Valid(once) {
			t.Fatalf("encoding/json rejects %s", once)
		}
	})
}

// FuzzMarshalString checks that every valid string survives an encode and
// decode, that the output is pure ASCII, and that encoding/json reads the
// same text back.
func FuzzMarshalString(f *testing.F) {
	for _, s := range []string{"", "plain", "\x00\x7f\u2028é😀\"\\/<>&", "Steps.Train.ModelArtifacts.S3ModelArtifacts"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Marshal(s)
		if !utf8.ValidString(s) {
			if err == nil {
				// Only generalised UTF-8 surrogates are accepted.
				v, err := Unmarshal(out)
				if err != nil || v.(string) != s {
					t.Fatalf("invalid UTF-8 %q encoded as %s and read back as %q (%v)", s, out, v, err)
				}
			}
			return
		}
		if err != nil {
			t.Fatalf("Marshal(%q): %v", s, err)
		}
		for _, c := range out {
			if c >= 0x7f || c < 0x20 {
				t.Fatalf("Marshal(%q) = %q has a non-ASCII or control byte", s, out)
			}
		}
		v, err := Unmarshal(out)
		if err != nil || v.(string) != s {
			t.Fatalf("round trip of %q via %s gave %q (%v)", s, out, v, err)
		}
		var std string
		if err := json.Unmarshal(out, &std); err != nil || std != s {
			t.Fatalf("encoding/json reads %s as %q (%v), want %q", out, std, err, s)
		}
	})
}
