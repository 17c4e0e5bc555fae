package boost

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// This file reads and writes UBJSON (Universal Binary JSON) as XGBoost 1.7
// uses it for ".ubj" models. Decoded documents use the same generic values
// as the JSON reader (see value.go): map[string]any, []any, string, bool,
// nil, int64, float64, float32, and the typed arrays []float32, []float64,
// []int32, []int64, []uint8 and []int8 for UBJSON's optimised containers.

// ubjMaxDepth bounds the nesting of a decoded document.
const ubjMaxDepth = 64

type ubjDecoder struct {
	buf []byte
	pos int
}

func (d *ubjDecoder) errf(format string, args ...any) error {
	return fmt.Errorf("%w: ubjson at byte %d: %s", ErrModelFormat, d.pos, fmt.Sprintf(format, args...))
}

func (d *ubjDecoder) need(n int) error {
	if n < 0 || n > len(d.buf)-d.pos {
		return d.errf("truncated: need %d bytes, %d left", n, len(d.buf)-d.pos)
	}
	return nil
}

func (d *ubjDecoder) byte() (byte, error) {
	if err := d.need(1); err != nil {
		return 0, err
	}
	b := d.buf[d.pos]
	d.pos++
	return b, nil
}

// marker returns the next type marker, skipping no-op markers.
func (d *ubjDecoder) marker() (byte, error) {
	for {
		b, err := d.byte()
		if err != nil || b != 'N' {
			return b, err
		}
	}
}

func (d *ubjDecoder) take(n int) ([]byte, error) {
	if err := d.need(n); err != nil {
		return nil, err
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

// intOf reads an integer of the type named by marker t.
func (d *ubjDecoder) intOf(t byte) (int64, error) {
	switch t {
	case 'i':
		b, err := d.take(1)
		if err != nil {
			return 0, err
		}
		return int64(int8(b[0])), nil
	case 'U':
		b, err := d.take(1)
		if err != nil {
			return 0, err
		}
		return int64(b[0]), nil
	case 'I':
		b, err := d.take(2)
		if err != nil {
			return 0, err
		}
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case 'l':
		b, err := d.take(4)
		if err != nil {
			return 0, err
		}
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case 'L':
		b, err := d.take(8)
		if err != nil {
			return 0, err
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	}
	return 0, d.errf("marker %q is not an integer type", t)
}

// length reads a non-negative count or string length.
func (d *ubjDecoder) length() (int, error) {
	t, err := d.marker()
	if err != nil {
		return 0, err
	}
	n, err := d.intOf(t)
	if err != nil {
		return 0, err
	}
	if n < 0 || n > int64(len(d.buf)) {
		return 0, d.errf("length %d out of range", n)
	}
	return int(n), nil
}

func (d *ubjDecoder) str() (string, error) {
	n, err := d.length()
	if err != nil {
		return "", err
	}
	b, err := d.take(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", d.errf("string is not valid UTF-8")
	}
	return string(b), nil
}

// value decodes one value whose marker is t.
func (d *ubjDecoder) value(t byte, depth int) (any, error) {
	switch t {
	case 'Z':
		return nil, nil
	case 'T':
		return true, nil
	case 'F':
		return false, nil
	case 'i', 'U', 'I', 'l', 'L':
		return d.intOf(t)
	case 'd':
		b, err := d.take(4)
		if err != nil {
			return nil, err
		}
		return math.Float32frombits(binary.BigEndian.Uint32(b)), nil
	case 'D':
		b, err := d.take(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case 'C':
		b, err := d.take(1)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	case 'S':
		return d.str()
	case 'H':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		f, perr := strconv.ParseFloat(s, 64)
		if perr != nil {
			return nil, d.errf("bad high-precision number %q", s)
		}
		return f, nil
	case '[':
		return d.array(depth + 1)
	case '{':
		return d.object(depth + 1)
	}
	return nil, d.errf("unknown marker %q", t)
}

// header reads an optimised-container header: an optional '$' type and an
// optional '#' count. count is -1 when absent.
func (d *ubjDecoder) header() (typ byte, count int, err error) {
	count = -1
	if err = d.need(1); err != nil {
		return
	}
	if d.buf[d.pos] == '$' {
		d.pos++
		if typ, err = d.byte(); err != nil {
			return
		}
		if err = d.need(1); err != nil {
			return
		}
		if d.buf[d.pos] != '#' {
			err = d.errf("typed container without a count")
			return
		}
	}
	if d.buf[d.pos] == '#' {
		d.pos++
		count, err = d.length()
	}
	return
}

func (d *ubjDecoder) array(depth int) (any, error) {
	if depth > ubjMaxDepth {
		return nil, d.errf("nesting deeper than %d", ubjMaxDepth)
	}
	typ, count, err := d.header()
	if err != nil {
		return nil, err
	}
	if typ != 0 {
		if size := scalarSize(typ); size > 0 {
			return d.typedArray(typ, count, size)
		}
		if typ == '[' || typ == '{' || typ == 'S' || typ == 'H' {
			// Each element needs at least one byte; guards the allocation.
			if err := d.need(count); err != nil {
				return nil, err
			}
		}
		out := make([]any, 0, min(count, len(d.buf)-d.pos+1))
		for i := 0; i < count; i++ {
			v, err := d.value(typ, depth)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	if count >= 0 {
		if err := d.need(count); err != nil {
			return nil, err
		}
		out := make([]any, 0, count)
		for i := 0; i < count; i++ {
			t, err := d.marker()
			if err != nil {
				return nil, err
			}
			v, err := d.value(t, depth)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	var out []any
	for {
		t, err := d.marker()
		if err != nil {
			return nil, err
		}
		if t == ']' {
			if out == nil {
				out = []any{}
			}
			return out, nil
		}
		v, err := d.value(t, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// scalarSize is the payload size of a fixed-size numeric marker, or 0.
func scalarSize(t byte) int {
	switch t {
	case 'i', 'U':
		return 1
	case 'I':
		return 2
	case 'l', 'd':
		return 4
	case 'L', 'D':
		return 8
	}
	return 0
}

func (d *ubjDecoder) typedArray(typ byte, count, size int) (any, error) {
	if count > (len(d.buf)-d.pos)/size {
		return nil, d.errf("typed array of %d elements overruns the input", count)
	}
	b, err := d.take(count * size)
	if err != nil {
		return nil, err
	}
	switch typ {
	case 'i':
		out := make([]int8, count)
		for i := range out {
			out[i] = int8(b[i])
		}
		return out, nil
	case 'U':
		out := make([]uint8, count)
		copy(out, b)
		return out, nil
	case 'I':
		out := make([]int32, count)
		for i := range out {
			out[i] = int32(int16(binary.BigEndian.Uint16(b[2*i:])))
		}
		return out, nil
	case 'l':
		out := make([]int32, count)
		for i := range out {
			out[i] = int32(binary.BigEndian.Uint32(b[4*i:]))
		}
		return out, nil
	case 'L':
		out := make([]int64, count)
		for i := range out {
			out[i] = int64(binary.BigEndian.Uint64(b[8*i:]))
		}
		return out, nil
	case 'd':
		out := make([]float32, count)
		for i := range out {
			out[i] = math.Float32frombits(binary.BigEndian.Uint32(b[4*i:]))
		}
		return out, nil
	default: // 'D'
		out := make([]float64, count)
		for i := range out {
			out[i] = math.Float64frombits(binary.BigEndian.Uint64(b[8*i:]))
		}
		return out, nil
	}
}

func (d *ubjDecoder) object(depth int) (any, error) {
	if depth > ubjMaxDepth {
		return nil, d.errf("nesting deeper than %d", ubjMaxDepth)
	}
	typ, count, err := d.header()
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for i := 0; count < 0 || i < count; i++ {
		if count < 0 {
			if err := d.need(1); err != nil {
				return nil, err
			}
			if d.buf[d.pos] == '}' {
				d.pos++
				return out, nil
			}
		}
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		t := typ
		if t == 0 {
			if t, err = d.marker(); err != nil {
				return nil, err
			}
		}
		v, err := d.value(t, depth)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	return out, nil
}

// decodeUBJSON decodes one UBJSON document.
func decodeUBJSON(data []byte) (any, error) {
	d := &ubjDecoder{buf: data}
	t, err := d.marker()
	if err != nil {
		return nil, err
	}
	v, err := d.value(t, 0)
	if err != nil {
		return nil, err
	}
	if d.pos != len(data) {
		return nil, d.errf("%d trailing bytes", len(data)-d.pos)
	}
	return v, nil
}

// ubjEncoder writes UBJSON the way XGBoost 1.7 does: objects with sorted
// keys and an end marker, keys and strings with int64 lengths, untyped
// arrays with a count, typed arrays for numeric slices, integers in the
// smallest type that holds them and floats as float32. A value of a type it
// does not know sets err (the first one wins) and writes nothing.
type ubjEncoder struct {
	buf []byte
	err error
}

func (e *ubjEncoder) len64(n int) {
	e.buf = append(e.buf, 'L')
	e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(n))
}

func (e *ubjEncoder) str(s string) {
	e.len64(len(s))
	e.buf = append(e.buf, s...)
}

func (e *ubjEncoder) typed(t byte, n int) {
	e.buf = append(e.buf, '[', '$', t, '#')
	e.len64(n)
}

func (e *ubjEncoder) value(v any) {
	switch v := v.(type) {
	case nil:
		e.buf = append(e.buf, 'Z')
	case bool:
		if v {
			e.buf = append(e.buf, 'T')
		} else {
			e.buf = append(e.buf, 'F')
		}
	case int64:
		// The smallest type whose open range holds v, as XGBoost writes it.
		switch {
		case v > math.MinInt8 && v < math.MaxInt8:
			e.buf = append(e.buf, 'i', byte(int8(v)))
		case v > math.MinInt16 && v < math.MaxInt16:
			e.buf = append(e.buf, 'I')
			e.buf = binary.BigEndian.AppendUint16(e.buf, uint16(int16(v)))
		case v > math.MinInt32 && v < math.MaxInt32:
			e.buf = append(e.buf, 'l')
			e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(int32(v)))
		default:
			e.buf = append(e.buf, 'L')
			e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(v))
		}
	case float32:
		e.buf = append(e.buf, 'd')
		e.buf = binary.BigEndian.AppendUint32(e.buf, math.Float32bits(v))
	case string:
		e.buf = append(e.buf, 'S')
		e.str(v)
	case []any:
		e.buf = append(e.buf, '[', '#')
		e.len64(len(v))
		for _, x := range v {
			e.value(x)
		}
	case []float32:
		e.typed('d', len(v))
		for _, x := range v {
			e.buf = binary.BigEndian.AppendUint32(e.buf, math.Float32bits(x))
		}
	case []int32:
		e.typed('l', len(v))
		for _, x := range v {
			e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(x))
		}
	case []int64:
		e.typed('L', len(v))
		for _, x := range v {
			e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(x))
		}
	case []uint8:
		e.typed('U', len(v))
		e.buf = append(e.buf, v...)
	case map[string]any:
		e.buf = append(e.buf, '{')
		for _, k := range sortedKeys(v) {
			e.str(k)
			e.value(v[k])
		}
		e.buf = append(e.buf, '}')
	default:
		if e.err == nil {
			e.err = unsupportedValue(FormatUBJSON, v)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func encodeUBJSON(v any) ([]byte, error) {
	e := &ubjEncoder{}
	e.value(v)
	if e.err != nil {
		return nil, e.err
	}
	return e.buf, nil
}
