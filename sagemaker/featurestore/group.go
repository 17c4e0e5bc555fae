package featurestore

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/dataset"
)

// FeatureType is a feature's type in SageMaker Feature Store.
type FeatureType string

// The three feature types.
const (
	Integral   FeatureType = "Integral"   // int64
	Fractional FeatureType = "Fractional" // float64
	String     FeatureType = "String"     // string
)

// Feature is a named, typed feature of a group.
type Feature struct {
	Name string
	Type FeatureType
}

// The bookkeeping columns the offline store adds to every record.
const (
	WriteTime         = "write_time"
	APIInvocationTime = "api_invocation_time"
	IsDeleted         = "is_deleted"
)

// Bookkeeping lists the columns a read of the offline store has besides
// the features: the three the store adds and the four Hive partition keys.
var Bookkeeping = []string{WriteTime, APIInvocationTime, IsDeleted, "year", "month", "day", "hour"}

// Group defines a feature group: what both the local and the remote store
// keep.
type Group struct {
	Name string
	// RecordIdentifier names the feature that identifies a record.
	RecordIdentifier string
	// EventTime names the feature holding the record's time: Fractional
	// (epoch seconds) or String (yyyy-MM-dd'T'HH:mm:ss[.SSS]Z).
	EventTime string
	// Features are every feature, identifier and event time included, in
	// the order records are written.
	Features []Feature
	// Online enables the online store (latest record per identifier).
	Online bool
	// OfflineS3URI is the offline store's base location
	// (s3://bucket/prefix); empty means no offline store.
	OfflineS3URI string
	Description  string
}

// Sentinel errors of the package.
var (
	// ErrGroup reports an invalid group definition.
	ErrGroup = errors.New("featurestore: invalid feature group")
	// ErrMalformed reports a record that does not fit the group's
	// features; *RowError and *MalformedError match it.
	ErrMalformed = errors.New("featurestore: malformed record")
	// ErrNotFound reports a feature group or record that does not exist.
	ErrNotFound = errors.New("featurestore: not found")
)

// Validate reports every problem of the definition at once.
func (g Group) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w %q: %s", ErrGroup, g.Name, fmt.Sprintf(format, args...)))
	}
	if g.Name == "" || len(g.Name) > 64 {
		bad("the name must have 1 to 64 characters")
	}
	seen := map[string]bool{}
	for _, f := range g.Features {
		switch {
		case f.Name == "":
			bad("a feature has no name")
		case seen[f.Name]:
			bad("feature %q is defined twice", f.Name)
		case f.Type != Integral && f.Type != Fractional && f.Type != String:
			bad("feature %q has type %q", f.Name, f.Type)
		case isBookkeeping(f.Name):
			bad("feature %q has a reserved name", f.Name)
		}
		seen[f.Name] = true
	}
	if t, ok := g.typeOf(g.RecordIdentifier); !ok {
		bad("the record identifier %q is not a feature", g.RecordIdentifier)
	} else if t == Fractional {
		bad("the record identifier %q must be Integral or String", g.RecordIdentifier)
	}
	if t, ok := g.typeOf(g.EventTime); !ok {
		bad("the event time %q is not a feature", g.EventTime)
	} else if t == Integral {
		bad("the event time %q must be Fractional or String", g.EventTime)
	}
	if !g.Online && g.OfflineS3URI == "" {
		bad("neither an online nor an offline store is enabled")
	}
	if g.OfflineS3URI != "" && !strings.HasPrefix(g.OfflineS3URI, "s3://") {
		bad("the offline store %q is not an s3:// URI", g.OfflineS3URI)
	}
	return errors.Join(errs...)
}

func isBookkeeping(name string) bool {
	for _, b := range Bookkeeping {
		if b == name {
			return true
		}
	}
	return false
}

func (g Group) typeOf(name string) (FeatureType, bool) {
	for _, f := range g.Features {
		if f.Name == name {
			return f.Type, true
		}
	}
	return "", false
}

// Features maps a dataset schema to feature definitions as the SageMaker
// SDK's load_feature_definitions does: integers Integral, floats
// Fractional, anything else String.
func Features(s dataset.Schema) []Feature {
	out := make([]Feature, len(s.Fields))
	for i, f := range s.Fields {
		t := String
		switch f.Type {
		case dataset.Int64:
			t = Integral
		case dataset.Float64:
			t = Fractional
		}
		out[i] = Feature{Name: f.Name, Type: t}
	}
	return out
}

// Record is one record: feature name to value, int64 for Integral,
// float64 for Fractional, string for String. A feature without a value is
// absent.
type Record map[string]any

// convert returns the value of a column cell as feature type t: nil for a
// null, an error for a value that does not fit.
func convert(c *dataset.Column, i int, t FeatureType) (any, error) {
	v := c.Value(i)
	if v == nil {
		return nil, nil
	}
	return convertValue(v, t)
}

func convertValue(v any, t FeatureType) (any, error) {
	switch t {
	case Integral:
		switch x := v.(type) {
		case int64:
			return x, nil
		case int:
			return int64(x), nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
				return int64(x), nil
			}
		case string:
			if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return n, nil
			}
		}
	case Fractional:
		switch x := v.(type) {
		case int64:
			return float64(x), nil
		case int:
			return float64(x), nil
		case float64:
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				return x, nil
			}
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
				return f, nil
			}
		}
	case String:
		switch x := v.(type) {
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case int:
			return strconv.Itoa(x), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case bool:
			return strconv.FormatBool(x), nil
		}
	}
	return nil, fmt.Errorf("%v (%T) is not %s", v, v, t)
}

// format renders a feature value as the runtime API's ValueAsString.
func format(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// eventInstant reads an event time value: epoch seconds or an ISO 8601
// UTC string.
func eventInstant(v any) (time.Time, error) {
	switch x := v.(type) {
	case float64:
		sec, frac := math.Modf(x)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	case string:
		for _, layout := range []string{"2006-01-02T15:04:05Z", "2006-01-02T15:04:05.000Z", time.RFC3339Nano} {
			if t, err := time.Parse(layout, x); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("event time %q is not yyyy-MM-dd'T'HH:mm:ss[.SSS]Z", x)
	}
	return time.Time{}, fmt.Errorf("event time %v (%T) is neither epoch seconds nor a string", v, v)
}

// later reports whether event time a is after b (same feature type).
func later(a, b any) bool {
	ta, ea := eventInstant(a)
	tb, eb := eventInstant(b)
	if ea != nil || eb != nil {
		return format(a) > format(b)
	}
	return ta.After(tb)
}
