package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"strconv"
)

// Content types of inference requests and responses.
const (
	ContentCSV  = "text/csv"
	ContentJSON = "application/json"
)

// ErrContentType reports a request content type or Accept type that is
// neither text/csv nor application/json.
var ErrContentType = errors.New("local: unsupported content type")

// RowError is inference input that is bad in one row: Row counts from 1
// (the line of a CSV body or file, the instance of a JSON body). It
// wraps ErrBadInput.
type RowError struct {
	Row int
	// Msg says what is wrong with the row.
	Msg string
}

func (e *RowError) Error() string { return fmt.Sprintf("%v: row %d: %s", ErrBadInput, e.Row, e.Msg) }
func (e *RowError) Unwrap() error { return ErrBadInput }

func rowErr(row int, format string, args ...any) error {
	return &RowError{Row: row, Msg: fmt.Sprintf(format, args...)}
}

// mediaType returns the media type of a Content-Type or Accept value
// ("text/csv; charset=utf-8" gives "text/csv"), or def when v is empty or
// "*/*".
func mediaType(v, def string) (string, error) {
	if v == "" {
		return def, nil
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrContentType, v, err)
	}
	switch mt {
	case "*/*":
		return def, nil
	case "text/*":
		return ContentCSV, nil
	case ContentCSV, ContentJSON:
		return mt, nil
	}
	return "", fmt.Errorf("%w: %q (use %s or %s)", ErrContentType, v, ContentCSV, ContentJSON)
}

// parseRecords parses a request body of the given media type into a
// batch.
func parseRecords(data []byte, contentType string) (Batch, error) {
	if contentType == ContentJSON {
		return parseJSON(data)
	}
	return parseCSV(data)
}

// parseCSV parses CSV rows of numbers, as the XGBoost container's
// text/csv decoder does: one row per line, comma-separated, an empty
// field a missing value (NaN), no header. Blank lines are skipped; every
// row must have the first row's width. A problem is a *RowError naming
// the line.
func parseCSV(data []byte) (Batch, error) {
	// At most one value per comma or line end: one allocation.
	b := Batch{Values: make([]float32, 0, bytes.Count(data, []byte{','})+bytes.Count(data, []byte{'\n'})+1)}
	line := 0
	for len(data) > 0 {
		line++
		var row []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			row, data = data[:i], data[i+1:]
		} else {
			row, data = data, nil
		}
		row = bytes.TrimSpace(row)
		if len(row) == 0 {
			continue
		}
		n := 0
		for f := range bytes.SplitSeq(row, []byte{','}) {
			n++
			f = bytes.Trim(bytes.TrimSpace(f), `"`)
			v := float32(math.NaN())
			if len(f) > 0 {
				x, err := strconv.ParseFloat(string(f), 32)
				if err != nil {
					return Batch{}, rowErr(line, "field %d: %q is not a number", n, f)
				}
				v = float32(x)
			}
			b.Values = append(b.Values, v)
		}
		if b.Rows == 0 {
			b.Cols = n
		} else if n != b.Cols {
			return Batch{}, rowErr(line, "%d values, but the first row has %d", n, b.Cols)
		}
		b.Rows++
	}
	return b, nil
}

// parseJSON parses a JSON body: a list of rows ([[1,2],[3,4]]), one row
// ([1,2]), {"instances": rows}, {"instances": [{"features": row}, ...]}
// or {"features": row}; null is a missing value.
func parseJSON(data []byte) (Batch, error) {
	var doc any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		return Batch{}, fmt.Errorf("%w: JSON: %w", ErrBadInput, err)
	}
	var rows []any
	switch t := doc.(type) {
	case map[string]any:
		if inst, ok := t["instances"].([]any); ok {
			rows = inst
		} else if f, ok := t["features"]; ok {
			rows = []any{f}
		} else {
			return Batch{}, fmt.Errorf(`%w: JSON: an object needs "instances" or "features"`, ErrBadInput)
		}
	case []any:
		rows = t
		if len(t) > 0 {
			if _, isList := t[0].([]any); !isList {
				if _, isObj := t[0].(map[string]any); !isObj {
					rows = []any{t}
				}
			}
		}
	default:
		return Batch{}, fmt.Errorf("%w: JSON: want a list of rows or an object with instances", ErrBadInput)
	}
	var b Batch
	for i, r := range rows {
		if o, ok := r.(map[string]any); ok {
			r = o["features"]
		}
		vals, ok := r.([]any)
		if !ok {
			return Batch{}, rowErr(i+1, "not a list of numbers")
		}
		if b.Rows == 0 {
			b.Cols = len(vals)
		} else if len(vals) != b.Cols {
			return Batch{}, rowErr(i+1, "%d values, but the first row has %d", len(vals), b.Cols)
		}
		for j, v := range vals {
			switch t := v.(type) {
			case nil:
				b.Values = append(b.Values, float32(math.NaN()))
			case json.Number:
				x, err := strconv.ParseFloat(string(t), 32)
				if err != nil {
					return Batch{}, rowErr(i+1, "value %d: %v", j+1, err)
				}
				b.Values = append(b.Values, float32(x))
			default:
				return Batch{}, rowErr(i+1, "value %d is not a number", j+1)
			}
		}
		b.Rows++
	}
	return b, nil
}

// appendFloat writes v in the shortest form that reads back as the same
// float32; NaN and infinities as Python writes them (nan, inf, -inf).
func appendFloat(buf []byte, v float32) []byte {
	switch f := float64(v); {
	case math.IsNaN(f):
		return append(buf, "nan"...)
	case math.IsInf(f, 1):
		return append(buf, "inf"...)
	case math.IsInf(f, -1):
		return append(buf, "-inf"...)
	}
	return strconv.AppendFloat(buf, float64(v), 'g', -1, 32)
}

// formatCSV writes one line per row: the prediction's values, then the
// row's contributions when contribs is not nil.
func formatCSV(buf []byte, p Predictions, contribs *Predictions) []byte {
	for i := range p.Rows {
		for j, v := range p.Row(i) {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = appendFloat(buf, v)
		}
		if contribs != nil {
			for _, v := range contribs.Row(i) {
				buf = appendFloat(append(buf, ','), v)
			}
		}
		buf = append(buf, '\n')
	}
	return buf
}

// formatJSON writes {"predictions": [{"score": v}, ...]} as the XGBoost
// container does ("score" a list when a row has several values), with
// each row's "contributions" when contribs is not nil. NaN is null.
func formatJSON(buf []byte, p Predictions, contribs *Predictions) []byte {
	jsonNum := func(buf []byte, v float32) []byte {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return append(buf, "null"...)
		}
		return appendFloat(buf, v)
	}
	list := func(buf []byte, vals []float32) []byte {
		buf = append(buf, '[')
		for j, v := range vals {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = jsonNum(buf, v)
		}
		return append(buf, ']')
	}
	buf = append(buf, `{"predictions":[`...)
	for i := range p.Rows {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"score":`...)
		if p.Width == 1 {
			buf = jsonNum(buf, p.Values[i])
		} else {
			buf = list(buf, p.Row(i))
		}
		if contribs != nil {
			buf = list(append(buf, `,"contributions":`...), contribs.Row(i))
		}
		buf = append(buf, '}')
	}
	return append(buf, "]}\n"...)
}
