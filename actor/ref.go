package actor

import (
	"reflect"
	"sync/atomic"
	"unsafe"
)

// Sizer lets a value put with Put report its own size in bytes, instead of
// the reflective estimate.
type Sizer interface {
	SizeBytes() int64
}

// Ref is a read-only value shared between tasks and actors without copying,
// like a Ray ObjectRef made by ray.put. While the Ref is live its size is
// counted in System.PinnedBytes; Release drops it. Callers must treat the
// value as immutable: every Get returns the same value (for slices and
// maps, the same backing memory).
type Ref[T any] struct {
	sys  *System
	p    atomic.Pointer[T]
	size int64
}

// Put pins v in sys and returns a Ref to it. Its size is v's SizeBytes
// when v implements Sizer, else an estimate of the memory v reaches (slice
// capacities, strings, maps, pointed-to values; shared memory counted
// once). Put is O(1) for a slice of plain values whatever its length.
func Put[T any](sys *System, v T) *Ref[T] {
	return PutSized(sys, v, SizeOf(v))
}

// PutSized is Put with the size given by the caller.
func PutSized[T any](sys *System, v T, bytes int64) *Ref[T] {
	r := &Ref[T]{sys: sys, size: bytes}
	r.p.Store(&v)
	sys.pinned.Add(bytes)
	return r
}

// Get returns the value without copying it; after Release it returns the
// zero value.
func (r *Ref[T]) Get() T {
	if p := r.p.Load(); p != nil {
		return *p
	}
	var zero T
	return zero
}

// Released reports whether Release was called.
func (r *Ref[T]) Released() bool { return r.p.Load() == nil }

// Size returns the bytes the Ref counts in System.PinnedBytes.
func (r *Ref[T]) Size() int64 { return r.size }

// Release unpins the value: it leaves PinnedBytes and the Ref no longer
// keeps it reachable. Calling it again is harmless.
func (r *Ref[T]) Release() {
	if r.p.Swap(nil) != nil {
		r.sys.pinned.Add(-r.size)
	}
}

// SizeOf estimates the bytes of memory v holds: its own size plus what its
// slices, strings, maps, pointers and interfaces reach, each distinct
// pointer counted once. Slices and arrays of pointer-free elements are
// measured in O(1).
func SizeOf(v any) int64 {
	if s, ok := v.(Sizer); ok {
		return s.SizeBytes()
	}
	if v == nil {
		return 0
	}
	rv := reflect.ValueOf(v)
	seen := map[uintptr]bool{}
	return int64(rv.Type().Size()) + reachable(rv, seen, 0)
}

// reachable returns the bytes reachable from v outside v itself.
func reachable(v reflect.Value, seen map[uintptr]bool, depth int) int64 {
	if depth > 64 {
		return 0
	}
	t := v.Type()
	switch v.Kind() {
	case reflect.String:
		if v.Len() == 0 {
			return 0
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(v.String())))
		if !visit(seen, p) {
			return 0
		}
		return int64(v.Len())
	case reflect.Slice:
		if v.IsNil() || v.Cap() == 0 {
			return 0
		}
		p := v.Pointer()
		if !visit(seen, p) {
			return 0
		}
		n := int64(v.Cap()) * int64(t.Elem().Size())
		if hasPointers(t.Elem()) {
			for i := range v.Len() {
				n += reachable(v.Index(i), seen, depth+1)
			}
		}
		return n
	case reflect.Array:
		var n int64
		if hasPointers(t.Elem()) {
			for i := range v.Len() {
				n += reachable(v.Index(i), seen, depth+1)
			}
		}
		return n
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			if hasPointers(t.Field(i).Type) {
				n += reachable(v.Field(i), seen, depth+1)
			}
		}
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		p := v.Pointer()
		if !visit(seen, p) {
			return 0
		}
		return int64(t.Elem().Size()) + reachable(v.Elem(), seen, depth+1)
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + reachable(e, seen, depth+1)
	case reflect.Map:
		if v.IsNil() {
			return 0
		}
		p := v.Pointer()
		if !visit(seen, p) {
			return 0
		}
		kt, et := t.Key(), t.Elem()
		n := int64(v.Len()) * int64(kt.Size()+et.Size())
		if hasPointers(kt) || hasPointers(et) {
			it := v.MapRange()
			for it.Next() {
				n += reachable(it.Key(), seen, depth+1) + reachable(it.Value(), seen, depth+1)
			}
		}
		return n
	}
	return 0
}

// visit records the memory at p as counted and reports whether it was not
// counted before.
func visit(seen map[uintptr]bool, p uintptr) bool {
	if seen[p] {
		return false
	}
	seen[p] = true
	return true
}

// hasPointers reports whether values of t can reach memory outside
// themselves.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}
