package local

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sagepipe/sagepipe/internal/atomicfile"
	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// ErrExpireAfter reports a CacheConfig.ExpireAfter that is not an ISO 8601
// duration SageMaker accepts.
var ErrExpireAfter = errors.New("local: bad ExpireAfter duration")

// Lengths of the calendar units of ExpireAfter.
const (
	day   = 24 * time.Hour
	week  = 7 * day
	month = 30 * day
	year  = 365 * day
)

// parseExpireAfter reads an ISO 8601 duration as SageMaker's cache
// accepts it: an optional P (either case), then years, months, weeks and
// days, then optionally T and hours, minutes and seconds, each a number
// and a unit letter (either case): "PT12H", "P30D", "30d", "5y", "T16m",
// "30dT5h", "P4DT12H". Months count 30 days and years 365.
func parseExpireAfter(s string) (time.Duration, error) {
	bad := func(why string) (time.Duration, error) {
		return 0, fmt.Errorf("%w: %q: %s", ErrExpireAfter, s, why)
	}
	rest := strings.ToUpper(s)
	rest = strings.TrimPrefix(rest, "P")
	if rest == "" {
		return bad("no duration")
	}
	var total time.Duration
	inTime := false
	units := "YMWD"
	seen := false
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return bad("two T separators")
			}
			inTime, units, rest = true, "HMS", rest[1:]
			if rest == "" {
				return bad("nothing after T")
			}
			continue
		}
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 || i == len(rest) {
			return bad("expected a number followed by a unit")
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return bad("bad number " + rest[:i])
		}
		u := strings.IndexByte(units, rest[i])
		if u < 0 {
			return bad(fmt.Sprintf("unit %c out of place", rest[i]))
		}
		var unit time.Duration
		if inTime {
			unit = []time.Duration{time.Hour, time.Minute, time.Second}[u]
		} else {
			unit = []time.Duration{year, month, week, day}[u]
		}
		total += time.Duration(n * float64(unit))
		units = units[u+1:]
		rest = rest[i+1:]
		seen = true
	}
	if !seen {
		return bad("no duration")
	}
	return total, nil
}

// cacheEntry is the latest successful run of a step with a given key.
type cacheEntry struct {
	Execution  string            `json:"execution"`
	Time       time.Time         `json:"time"`
	Properties json.RawMessage   `json:"properties"`
	Outputs    map[string]string `json:"outputs,omitempty"`
}

// cacheKey hashes the step type, the key fields of its resolved
// arguments and the content of its inputs.
func (x *execution) cacheKey(ex executor, s *stepDef, args *pyjson.Object) (string, error) {
	fields, inputs := ex.cacheKey(args)
	doc := pyjson.NewObject().Set("Type", s.typ).Set("Arguments", fields)
	var hashes []any
	for _, uri := range inputs {
		p, err := x.store.path(uri)
		if err != nil {
			return "", err
		}
		h, err := hashTree(p)
		if errors.Is(err, fs.ErrNotExist) {
			h = "missing"
		} else if err != nil {
			return "", fmt.Errorf("hashing input %s: %w", uri, err)
		}
		hashes = append(hashes, []any{uri, h})
	}
	doc.Set("Inputs", hashes)
	b, err := pyjson.Marshal(doc)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

func (x *execution) cachePath(step, key string) string {
	return filepath.Join(x.e.root, "cache", x.pipelineName, step, key+".json")
}

// cacheLookup returns the entry for key if it is younger than the step's
// ExpireAfter and its outputs are still in the store.
func (x *execution) cacheLookup(s *stepDef, key string) (*cacheEntry, bool) {
	data, err := os.ReadFile(x.cachePath(s.name, key))
	if err != nil {
		return nil, false
	}
	var ce cacheEntry
	if json.Unmarshal(data, &ce) != nil {
		return nil, false
	}
	if s.cache.expireAfter != "" {
		d, err := parseExpireAfter(s.cache.expireAfter)
		if err != nil || !x.e.cfg.Clock.Now().Before(ce.Time.Add(d)) {
			return nil, false
		}
	}
	for _, uri := range ce.Outputs {
		p, err := x.store.path(uri)
		if err != nil {
			return nil, false
		}
		if _, err := os.Stat(p); err != nil {
			return nil, false
		}
	}
	return &ce, true
}

func (x *execution) cacheStore(s *stepDef, key string, ce cacheEntry) error {
	p := x.cachePath(s.name, key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(ce)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(p, data, 0o644)
}
