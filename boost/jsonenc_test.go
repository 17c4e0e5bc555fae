package boost

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestEncodeUnsupportedValue requires both encoders to return an error
// wrapping ErrModelFormat that names the offending type, rather than panic.
func TestEncodeUnsupportedValue(t *testing.T) {
	doc := map[string]any{"learner": map[string]any{"odd": []any{int64(1), complex(1, 2)}, "odder": struct{}{}}}
	encoders := map[Format]func(any) ([]byte, error){FormatJSON: encodeJSON, FormatUBJSON: encodeUBJSON}
	for f, enc := range encoders {
		t.Run(f.String(), func(t *testing.T) {
			b, err := enc(doc)
			if !errors.Is(err, ErrModelFormat) || b != nil {
				t.Fatalf("encode: %q, %v, want ErrModelFormat", b, err)
			}
			if want := "complex128"; !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not name %s, the first unsupported type", err, want)
			}
			if _, err := enc(map[string]any{"a": []any{int64(1), "x", nil, true}}); err != nil {
				t.Errorf("supported values: %v", err)
			}
		})
	}
}

// TestDecodeJSONSyntaxError requires the JSON decoder's error to reach both
// ErrModelFormat and encoding/json's *SyntaxError, with its offset.
func TestDecodeJSONSyntaxError(t *testing.T) {
	_, err := DecodeModelFormat([]byte(`{"learner": [1, 2,, 3]}`), FormatJSON)
	if !errors.Is(err, ErrModelFormat) {
		t.Errorf("%v does not wrap ErrModelFormat", err)
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset != 19 {
		t.Errorf("%v does not reach a *json.SyntaxError at offset 19", err)
	}
}
