package pyjson

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Errors reported by the encoder and the decoder.
var (
	// ErrNaN reports a NaN or infinite float, which json.dumps would write as
	// the non-JSON tokens NaN / Infinity.
	ErrNaN = errors.New("pyjson: NaN or infinite float")
	// ErrUnsupported reports a Go value that has no JSON form.
	ErrUnsupported = errors.New("pyjson: unsupported value")
	// ErrInvalidUTF8 reports a string that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("pyjson: invalid UTF-8")
	// ErrDepth reports nesting deeper than MaxDepth.
	ErrDepth = errors.New("pyjson: nesting too deep")
	// ErrSyntax reports malformed input to Unmarshal; the error is a
	// *SyntaxError carrying the offset.
	ErrSyntax = errors.New("pyjson: syntax error")
)

// MaxDepth is the deepest nesting of arrays and objects that Marshal and
// Unmarshal accept.
const MaxDepth = 1000

// PyJSONer is implemented by values that stand for another JSON tree.
type PyJSONer interface{ PyJSON() any }

// RawJSON is JSON text written as it is: the caller guarantees that it is
// json.dumps output.
type RawJSON []byte

// Membered is implemented by values that are written as an ordered object.
type Membered interface {
	Members() iter.Seq2[string, any]
}

// Marshal returns the json.dumps encoding of v (no trailing newline).
func Marshal(v any) ([]byte, error) {
	return Append(make([]byte, 0, 256), v)
}

// Append appends the json.dumps encoding of v to dst. On error dst is
// returned unchanged in length (its spare capacity may have been written).
func Append(dst []byte, v any) ([]byte, error) {
	return AppendExt(dst, v, nil)
}

// Extension writes a value of a type the encoder does not know itself. It
// returns ok false to leave v to the encoder's rules (PyJSONer, Membered,
// error, reflection).
type Extension func(dst []byte, v any) (out []byte, ok bool, err error)

// MarshalExt is Marshal with ext consulted for values of other types than
// the tree model's own (nil, string, bool, int, int64, float64, *Object,
// []any, []string, *big.Int).
func MarshalExt(v any, ext Extension) ([]byte, error) {
	return AppendExt(make([]byte, 0, 256), v, ext)
}

// AppendExt is Append with ext consulted as MarshalExt does.
func AppendExt(dst []byte, v any, ext Extension) ([]byte, error) {
	n := len(dst)
	enc := encoder{ext: ext}
	out, err := enc.appendValue(dst, v, 0)
	if err != nil {
		var pe *pathError
		if errors.As(err, &pe) {
			return dst[:n], fmt.Errorf("at %s: %w", pe.path(), pe.err)
		}
		return dst[:n], err
	}
	return out, nil
}

// encoder holds the extension of one encoding.
type encoder struct{ ext Extension }

// pathError carries the location of an encoding failure, innermost last.
type pathError struct {
	segs []string // outermost last
	err  error
}

func (e *pathError) Error() string { return "at " + e.path() + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }
func (e *pathError) path() string {
	var b strings.Builder
	b.WriteString("$")
	for i := len(e.segs) - 1; i >= 0; i-- {
		b.WriteString(e.segs[i])
	}
	return b.String()
}

func wrapAt(err error, seg string) error {
	var pe *pathError
	if errors.As(err, &pe) {
		pe.segs = append(pe.segs, seg)
		return pe
	}
	return &pathError{segs: []string{seg}, err: err}
}

func (enc encoder) appendValue(dst []byte, v any, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return dst, ErrDepth
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendString(dst, x)
	case bool:
		if x {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case float64:
		return AppendFloat(dst, x)
	case *Object:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return enc.appendObject(dst, x, depth)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			var err error
			if dst, err = enc.appendValue(dst, e, depth+1); err != nil {
				return dst, wrapAt(err, "["+strconv.Itoa(i)+"]")
			}
		}
		return append(dst, ']'), nil
	case []string:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			var err error
			if dst, err = appendString(dst, e); err != nil {
				return dst, wrapAt(err, "["+strconv.Itoa(i)+"]")
			}
		}
		return append(dst, ']'), nil
	case *big.Int:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return x.Append(dst, 10), nil
	case RawJSON:
		return append(dst, x...), nil
	}
	if enc.ext != nil {
		out, ok, err := enc.ext(dst, v)
		if ok || err != nil {
			return out, err
		}
	}
	switch x := v.(type) {
	case PyJSONer:
		return enc.appendValue(dst, x.PyJSON(), depth+1)
	case Membered:
		return enc.appendMembers(dst, x.Members(), depth)
	case error:
		return dst, x
	}
	return enc.appendReflect(dst, v, depth)
}

func (enc encoder) appendObject(dst []byte, o *Object, depth int) ([]byte, error) {
	dst = append(dst, '{')
	var err error
	for i, m := range o.members {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		if dst, err = appendString(dst, m.key); err != nil {
			return dst, wrapAt(err, "."+m.key)
		}
		dst = append(dst, ": "...)
		if dst, err = enc.appendValue(dst, m.val, depth+1); err != nil {
			return dst, wrapAt(err, "."+m.key)
		}
	}
	return append(dst, '}'), nil
}

func (enc encoder) appendMembers(dst []byte, m iter.Seq2[string, any], depth int) ([]byte, error) {
	dst = append(dst, '{')
	first := true
	var err error
	for k, e := range m {
		if !first {
			dst = append(dst, ", "...)
		}
		first = false
		if dst, err = appendString(dst, k); err != nil {
			return dst, wrapAt(err, "."+k)
		}
		dst = append(dst, ": "...)
		if dst, err = enc.appendValue(dst, e, depth+1); err != nil {
			return dst, wrapAt(err, "."+k)
		}
	}
	return append(dst, '}'), nil
}

// appendReflect handles named basic types and slices of other element types.
func (enc encoder) appendReflect(dst []byte, v any, depth int) ([]byte, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return appendString(dst, rv.String())
	case reflect.Bool:
		return enc.appendValue(dst, rv.Bool(), depth)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(dst, rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(dst, rv.Uint(), 10), nil
	case reflect.Float64:
		return AppendFloat(dst, rv.Float())
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return append(dst, "[]"...), nil
		}
		dst = append(dst, '[')
		for i := range rv.Len() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			var err error
			if dst, err = enc.appendValue(dst, rv.Index(i).Interface(), depth+1); err != nil {
				return dst, wrapAt(err, "["+strconv.Itoa(i)+"]")
			}
		}
		return append(dst, ']'), nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return append(dst, "null"...), nil
		}
	}
	return dst, fmt.Errorf("%w: Go type %T", ErrUnsupported, v)
}

// AppendFloat appends Python's repr of f: the shortest digits that round
// trip, ".0" on integral values, and the exponent form "1e-05" / "1e+16"
// when the decimal exponent is below -4 or at least 16.
func AppendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, fmt.Errorf("%w: %v", ErrNaN, f)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...), nil
		}
		return append(dst, "0.0"...), nil
	}
	abs := math.Abs(f)
	if abs < 1e-4 || abs >= 1e16 {
		// strconv's shortest exponent form already matches repr: at least
		// two exponent digits and an explicit sign.
		return strconv.AppendFloat(dst, f, 'e', -1, 64), nil
	}
	n := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
	for _, c := range dst[n:] {
		if c == '.' {
			return dst, nil
		}
	}
	return append(dst, ".0"...), nil
}

const hexDigits = "0123456789abcdef"

// safeByte marks the bytes json.dumps writes as they are: printable ASCII
// except '"' and '\\'.
var safeByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendString appends s as a JSON string with ensure_ascii escapes.
func AppendString(dst []byte, s string) ([]byte, error) { return appendString(dst, s) }

// AppendStrings appends one JSON string holding the concatenation of
// parts, exactly as AppendString of the joined parts would, without
// building the concatenation when every part is plain printable ASCII.
func AppendStrings(dst []byte, parts ...string) ([]byte, error) {
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			if !safeByte[p[i]] {
				return appendString(dst, strings.Join(parts, ""))
			}
		}
	}
	dst = append(dst, '"')
	for _, p := range parts {
		dst = append(dst, p...)
	}
	return append(dst, '"'), nil
}

func appendString(dst []byte, s string) ([]byte, error) {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if safeByte[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = appendU(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		dst = append(dst, s[start:i]...)
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// A lone surrogate written as its three-byte generalised UTF-8
			// form (what Unmarshal makes of "\ud800") is written back as
			// its escape; anything else is not text.
			if sr, ok := surrogateAt(s, i); ok {
				if lo, ok := surrogateAt(s, i+3); ok && sr < 0xdc00 && lo >= 0xdc00 {
					// Written as escapes, the pair would read back as
					// one character: refuse rather than change the text.
					return dst, fmt.Errorf("%w: encoded surrogate pair at offset %d of %q", ErrInvalidUTF8, i, s)
				}
				dst = appendU(dst, sr)
				i += 3
				start = i
				continue
			}
			return dst, fmt.Errorf("%w: byte %#x at offset %d of %q", ErrInvalidUTF8, s[i], i, s)
		}
		if r >= 0x10000 {
			r -= 0x10000
			dst = appendU(dst, 0xd800+r>>10)
			dst = appendU(dst, 0xdc00+r&0x3ff)
		} else {
			dst = appendU(dst, r)
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), nil
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// surrogateAt decodes the generalised UTF-8 encoding of a UTF-16 surrogate
// (ED A0..BF 80..BF) at s[i:].
func surrogateAt(s string, i int) (rune, bool) {
	if i+2 >= len(s) || s[i] != 0xed || s[i+1] < 0xa0 || s[i+1] > 0xbf || s[i+2] < 0x80 || s[i+2] > 0xbf {
		return 0, false
	}
	return 0xd000 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f), true
}

// appendSurrogate writes r (a UTF-16 surrogate) in generalised UTF-8.
func appendSurrogate(dst []byte, r rune) []byte {
	return append(dst, 0xed, byte(0x80|(r>>6)&0x3f), byte(0x80|r&0x3f))
}
