package steps

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Env is the compile environment: the values the SageMaker SDK takes from
// its session and from the clock while it renders step arguments. The zero
// value uses the wall clock and a randomly seeded name source.
type Env struct {
	// PipelineName is the name of the pipeline being compiled (code keys
	// and default output locations contain it).
	PipelineName string
	// Bucket is the session's default bucket (sagemaker-<region>-<account>).
	Bucket string
	// BucketPrefix is the session's default bucket prefix (the SDK's
	// default_bucket_prefix), put after the bucket in every location the
	// SDK derives from it; empty means none.
	BucketPrefix string
	// Region is the session's AWS region (image URIs, sagemaker_region).
	Region string
	// Role is the execution role used where a step does not name one.
	Role string
	// Now is the clock behind timestamped job names; nil means time.Now.
	Now func() time.Time
	// Names supplies the random part of UniqueName; nil means
	// math/rand/v2's randomly seeded global source.
	Names NameSource
}

// NameSource returns the 16 random bits that unique_name_from_base turns
// into four hex digits.
type NameSource func() uint16

// FixedNames returns a NameSource that always yields v (tests, frozen
// definitions).
func FixedNames(v uint16) NameSource { return func() uint16 { return v } }

// RandNames returns a NameSource drawing from src. It is safe for
// concurrent use (a pipeline may be compiled from several goroutines).
func RandNames(src rand.Source) NameSource {
	var mu sync.Mutex
	r := rand.New(src)
	return func() uint16 {
		mu.Lock()
		defer mu.Unlock()
		return uint16(r.Uint32() >> 16)
	}
}

// FrozenClock returns a clock that always reads t.
func FrozenClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func (e *Env) now() time.Time {
	if e == nil || e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Timestamp returns the SDK's job-name timestamp for the current clock
// reading: UTC "YYYY-MM-DD-HH-MM-SS-" followed by the first (at most three)
// digits after the point of Python's repr of the epoch seconds, so
// 12:00:00.05 gives "...-05" and 12:00:00.0 gives "...-0".
func (e *Env) Timestamp() string { return Timestamp(e.now()) }

// Timestamp formats t as the SDK's sagemaker_timestamp does.
func Timestamp(t time.Time) string {
	secs := float64(t.UnixNano()) / 1e9
	if t.Nanosecond() == 0 {
		secs = float64(t.Unix())
	}
	r := strconv.FormatFloat(secs, 'f', -1, 64)
	frac := "0"
	if i := strings.IndexByte(r, '.'); i >= 0 {
		frac = r[i+1:]
	}
	if len(frac) > 3 {
		frac = frac[:3]
	}
	return t.UTC().Format("2006-01-02-15-04-05") + "-" + frac
}

// JobName appends the timestamp to base as the SDK's name_from_base does,
// trimming base so that the result has at most 63 characters.
func (e *Env) JobName(base string) string {
	ts := e.Timestamp()
	if max := 63 - len(ts) - 1; len(base) > max {
		base = base[:max]
	}
	return base + "-" + ts
}

// UniqueName returns "<base>-<epoch seconds>-<4 hex digits>" as the SDK's
// unique_name_from_base does (at most 63 characters, base trimmed).
func (e *Env) UniqueName(base string) string {
	var n uint16
	if e != nil && e.Names != nil {
		n = e.Names()
	} else {
		n = uint16(rand.Uint32() >> 16)
	}
	hex := strconv.FormatUint(uint64(n), 16)
	hex = strings.Repeat("0", 4-len(hex)) + hex
	ts := strconv.FormatInt(e.now().Unix(), 10)
	if max := 63 - 2 - len(ts) - len(hex); len(base) > max {
		base = base[:max]
	}
	return base + "-" + ts + "-" + hex
}

// s3 returns the S3 URI of the slash-joined parts under the default bucket
// and prefix.
func (e *Env) s3(parts ...string) string {
	var b strings.Builder
	b.WriteString("s3://")
	b.WriteString(e.Bucket)
	if e.BucketPrefix != "" {
		b.WriteString("/")
		b.WriteString(e.BucketPrefix)
	}
	for _, p := range parts {
		b.WriteString("/")
		b.WriteString(p)
	}
	return b.String()
}

// bucketValues are the leading values of the SDK's output-location Joins:
// "s3:/", the bucket and the prefix when there is one, with room for more
// values to follow.
func (e *Env) bucketValues(more int) []any {
	vals := make([]any, 2, 3+more)
	vals[0], vals[1] = "s3:/", e.Bucket
	if e.BucketPrefix != "" {
		vals = append(vals, e.BucketPrefix)
	}
	return vals
}
