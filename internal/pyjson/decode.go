package pyjson

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError describes malformed input to Unmarshal.
type SyntaxError struct {
	Offset int64  // byte offset where the problem was found
	Msg    string // what was wrong
}

// Error returns the message with the offset.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("pyjson: syntax error at offset %d: %s", e.Offset, e.Msg)
}

// Unwrap returns ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// maxIntDigits is Python's default limit on converting long decimal strings
// to int (sys.int_info.str_digits_check_threshold); json.loads refuses longer
// integers.
const maxIntDigits = 4300

// Unmarshal decodes data with json.loads semantics into the tree model
// described in the package documentation. Like json.loads of bytes it
// skips a leading UTF-8 byte order mark; other encodings (UTF-16, UTF-32)
// are not supported.
func Unmarshal(data []byte) (any, error) {
	d := decoder{data: data}
	if len(data) >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf {
		d.pos = 3
	}
	d.skipSpace()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, d.errorf("extra data")
	}
	return v, nil
}

type decoder struct {
	data []byte
	pos  int
	buf  []byte
}

func (d *decoder) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: int64(d.pos), Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.errorf("expecting value")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		if depth >= MaxDepth {
			return nil, d.errorf("nesting deeper than %d", MaxDepth)
		}
		return d.object(depth)
	case c == '[':
		if depth >= MaxDepth {
			return nil, d.errorf("nesting deeper than %d", MaxDepth)
		}
		return d.array(depth)
	case c == '"':
		return d.str()
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case d.lit("true"):
		return true, nil
	case d.lit("false"):
		return false, nil
	case d.lit("null"):
		return nil, nil
	}
	return nil, d.errorf("expecting value")
}

func (d *decoder) lit(word string) bool {
	if len(d.data)-d.pos >= len(word) && string(d.data[d.pos:d.pos+len(word)]) == word {
		d.pos += len(word)
		return true
	}
	return false
}

func (d *decoder) object(depth int) (any, error) {
	d.pos++ // {
	o := NewObject()
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return o, nil
	}
	for {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.errorf("expecting property name enclosed in double quotes")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.errorf("expecting ':' delimiter")
		}
		d.pos++
		d.skipSpace()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		o.Set(k, v)
		if more, err := d.more('}'); !more {
			if err != nil {
				return nil, err
			}
			return o, nil
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	d.pos++ // [
	a := []any{}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, nil
	}
	for {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		if more, err := d.more(']'); !more {
			if err != nil {
				return nil, err
			}
			return a, nil
		}
	}
}

// more reads what follows a member or an element: a ',' (another one
// follows) or the closing bracket (the container ends).
func (d *decoder) more(closing byte) (bool, error) {
	d.skipSpace()
	if d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.skipSpace()
			return true, nil
		case closing:
			d.pos++
			return false, nil
		}
	}
	return false, d.errorf("expecting ',' delimiter")
}

// str decodes a string starting at the opening quote. Lone UTF-16
// surrogates, which Python keeps in its str, are stored in generalised
// UTF-8 so that Marshal writes them back as the same escape.
func (d *decoder) str() (string, error) {
	d.pos++ // "
	start := d.pos
	// Fast path: no escapes.
	for i := d.pos; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			s := d.data[start:i]
			if !utf8.Valid(s) {
				d.pos = start
				return "", d.invalidUTF8(s)
			}
			d.pos = i + 1
			return string(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	b := d.buf[:0]
	for {
		if d.pos >= len(d.data) {
			return "", &SyntaxError{Offset: int64(start - 1), Msg: "unterminated string"}
		}
		c := d.data[d.pos]
		switch {
		case c == '"':
			if raw := d.data[start:d.pos]; !utf8.Valid(raw) {
				d.pos = start
				return "", d.invalidUTF8(raw)
			}
			d.pos++
			d.buf = b
			return string(b), nil
		case c < 0x20:
			return "", d.errorf("invalid control character in string")
		case c != '\\':
			b = append(b, c)
			d.pos++
			continue
		}
		// escape
		if d.pos+1 >= len(d.data) {
			return "", &SyntaxError{Offset: int64(start - 1), Msg: "unterminated string"}
		}
		e := d.data[d.pos+1]
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4(d.pos + 2)
			if !ok {
				return "", d.errorf("invalid \\uXXXX escape")
			}
			d.pos += 6
			if utf16.IsSurrogate(r) {
				if r < 0xdc00 && d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
					if r2, ok := d.hex4(d.pos + 2); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
						b = utf8.AppendRune(b, utf16.DecodeRune(r, r2))
						d.pos += 6
						continue
					}
				}
				b = appendSurrogate(b, r)
				continue
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			return "", d.errorf("invalid \\escape")
		}
		d.pos += 2
	}
}

func (d *decoder) invalidUTF8(rest []byte) error {
	for i := 0; i < len(rest); {
		r, size := utf8.DecodeRune(rest[i:])
		if r == utf8.RuneError && size == 1 {
			return &SyntaxError{Offset: int64(d.pos + i), Msg: "invalid UTF-8"}
		}
		i += size
	}
	return &SyntaxError{Offset: int64(d.pos), Msg: "invalid UTF-8"}
}

func (d *decoder) hex4(at int) (rune, bool) {
	if at+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[at : at+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (d *decoder) number() (any, error) {
	start := d.pos
	p := d.pos
	if d.data[p] == '-' {
		p++
	}
	if p >= len(d.data) || d.data[p] < '0' || d.data[p] > '9' {
		return nil, d.errorf("expecting value")
	}
	if d.data[p] == '0' {
		p++
	} else {
		for p < len(d.data) && d.data[p] >= '0' && d.data[p] <= '9' {
			p++
		}
	}
	isFloat := false
	if p+1 < len(d.data) && d.data[p] == '.' && d.data[p+1] >= '0' && d.data[p+1] <= '9' {
		isFloat = true
		p += 2
		for p < len(d.data) && d.data[p] >= '0' && d.data[p] <= '9' {
			p++
		}
	}
	if p < len(d.data) && (d.data[p] == 'e' || d.data[p] == 'E') {
		q := p + 1
		if q < len(d.data) && (d.data[q] == '+' || d.data[q] == '-') {
			q++
		}
		if q < len(d.data) && d.data[q] >= '0' && d.data[q] <= '9' {
			isFloat = true
			for q < len(d.data) && d.data[q] >= '0' && d.data[q] <= '9' {
				q++
			}
			p = q
		}
	}
	text := string(d.data[start:p])
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !isRange(err) || math.IsInf(f, 0) {
			return nil, d.errorf("number %s is out of float range", text)
		}
		d.pos = p
		return f, nil
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		d.pos = p
		return n, nil
	}
	digits := len(text)
	if text[0] == '-' {
		digits--
	}
	if digits > maxIntDigits {
		return nil, d.errorf("integer has more than %d digits", maxIntDigits)
	}
	n, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return nil, d.errorf("invalid integer %s", text)
	}
	d.pos = p
	return n, nil
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
