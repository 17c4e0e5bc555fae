package boost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// decodeJSON decodes a JSON document into generic values: map[string]any,
// []any, string, bool, nil and json.Number. Nesting is bounded by
// encoding/json itself; memory is proportional to the input.
func decodeJSON(data []byte) (any, error) {
	data = quoteNonFinite(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: json: %w", ErrModelFormat, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: json: data after the top-level value", ErrModelFormat)
	}
	return v, nil
}

// quoteNonFinite returns data with the bare NaN, Infinity and -Infinity
// that XGBoost's JSON writer emits (for a categorical split's condition,
// say) turned into the strings "NaN", "Infinity" and "-Infinity", which
// encoding/json reads and docFloat32 converts, so that a model holding
// them is judged by its content rather than refused as malformed JSON.
// data itself is returned when it holds none.
func quoteNonFinite(data []byte) []byte {
	var out []byte
	inString, escaped := false, false
	last := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
			continue
		}
		var word string
		switch {
		case c == 'N' && bytes.HasPrefix(data[i:], []byte("NaN")):
			word = "NaN"
		case c == 'I' && bytes.HasPrefix(data[i:], []byte("Infinity")):
			word = "Infinity"
		case c == '-' && bytes.HasPrefix(data[i:], []byte("-Infinity")):
			word = "-Infinity"
		default:
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(data)+64)
		}
		out = append(out, data[last:i]...)
		out = append(out, '"')
		out = append(out, word...)
		out = append(out, '"')
		i += len(word) - 1
		last = i + 1
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}

// formatFloat32 writes f the way XGBoost 1.7's JSON writer does: the
// shortest decimal that reads back as f, in exponent form without a plus
// sign or leading zeros in the exponent ("2.113E3", "5E-1", "0E0").
func formatFloat32(dst []byte, f float32) []byte {
	switch {
	case math.IsNaN(float64(f)):
		return append(dst, "NaN"...)
	case math.IsInf(float64(f), 1):
		return append(dst, "Infinity"...)
	case math.IsInf(float64(f), -1):
		return append(dst, "-Infinity"...)
	}
	s := strconv.FormatFloat(float64(f), 'E', -1, 32)
	i := strings.IndexByte(s, 'E')
	dst = append(dst, s[:i+1]...)
	exp := s[i+1:]
	if exp[0] == '+' {
		exp = exp[1:]
	} else if exp[0] == '-' {
		dst = append(dst, '-')
		exp = exp[1:]
	}
	exp = strings.TrimLeft(exp, "0")
	if exp == "" {
		exp = "0"
	}
	return append(dst, exp...)
}

// jsonEncoder writes generic values as compact JSON with sorted object
// keys, as XGBoost 1.7 does. A value of a type it does not know sets err
// (the first one wins) and writes nothing.
type jsonEncoder struct {
	buf []byte
	err error
}

func (e *jsonEncoder) str(s string) {
	e.buf = append(e.buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			e.buf = append(e.buf, c)
			i++
			continue
		}
		switch c {
		case '"':
			e.buf = append(e.buf, '\\', '"')
		case '\\':
			e.buf = append(e.buf, '\\', '\\')
		case '\n':
			e.buf = append(e.buf, '\\', 'n')
		case '\r':
			e.buf = append(e.buf, '\\', 'r')
		case '\t':
			e.buf = append(e.buf, '\\', 't')
		case '\b':
			e.buf = append(e.buf, '\\', 'b')
		case '\f':
			e.buf = append(e.buf, '\\', 'f')
		default:
			if c < 0x20 {
				e.buf = fmt.Appendf(e.buf, `\u%04x`, c)
				break
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				e.buf = append(e.buf, `\ufffd`...)
			} else {
				e.buf = append(e.buf, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	e.buf = append(e.buf, '"')
}

func (e *jsonEncoder) value(v any) {
	switch v := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case bool:
		e.buf = strconv.AppendBool(e.buf, v)
	case int64:
		e.buf = strconv.AppendInt(e.buf, v, 10)
	case float32:
		e.buf = formatFloat32(e.buf, v)
	case string:
		e.str(v)
	case []any:
		e.buf = append(e.buf, '[')
		for i, x := range v {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.value(x)
		}
		e.buf = append(e.buf, ']')
	case []float32:
		e.buf = append(e.buf, '[')
		for i, x := range v {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = formatFloat32(e.buf, x)
		}
		e.buf = append(e.buf, ']')
	case []int32:
		e.buf = append(e.buf, '[')
		for i, x := range v {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = strconv.AppendInt(e.buf, int64(x), 10)
		}
		e.buf = append(e.buf, ']')
	case []int64:
		e.buf = append(e.buf, '[')
		for i, x := range v {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = strconv.AppendInt(e.buf, x, 10)
		}
		e.buf = append(e.buf, ']')
	case []uint8:
		e.buf = append(e.buf, '[')
		for i, x := range v {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = strconv.AppendInt(e.buf, int64(x), 10)
		}
		e.buf = append(e.buf, ']')
	case map[string]any:
		e.buf = append(e.buf, '{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.str(k)
			e.buf = append(e.buf, ':')
			e.value(v[k])
		}
		e.buf = append(e.buf, '}')
	default:
		if e.err == nil {
			e.err = unsupportedValue(FormatJSON, v)
		}
	}
}

// unsupportedValue is the encoders' error for a value of a type they do not
// write; it means the document was built wrongly, not that the model is bad.
func unsupportedValue(f Format, v any) error {
	return fmt.Errorf("%w: %s encoder: unsupported value of type %T", ErrModelFormat, f, v)
}

func encodeJSON(v any) ([]byte, error) {
	e := &jsonEncoder{}
	e.value(v)
	if e.err != nil {
		return nil, e.err
	}
	return e.buf, nil
}
