package pyjson

import "iter"

// Object is a JSON object whose members keep their insertion order, like a
// Python dict. The zero value is an empty object ready to use.
type Object struct {
	keys  []string
	vals  []any
	index map[string]int // built once the object grows past indexFrom members
}

const indexFrom = 8

// NewObject returns an empty object.
func NewObject() *Object { return &Object{} }

// Set sets key to v and returns o, so calls can be chained. A new key is
// appended; an existing key keeps its position and gets the new value.
func (o *Object) Set(key string, v any) *Object {
	if i, ok := o.find(key); ok {
		o.vals[i] = v
		return o
	}
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
	if o.index != nil {
		o.index[key] = len(o.keys) - 1
	} else if len(o.keys) > indexFrom {
		o.index = make(map[string]int, len(o.keys)*2)
		for i, k := range o.keys {
			o.index[k] = i
		}
	}
	return o
}

func (o *Object) find(key string) (int, bool) {
	if o.index != nil {
		i, ok := o.index[key]
		return i, ok
	}
	for i, k := range o.keys {
		if k == key {
			return i, true
		}
	}
	return 0, false
}

// Get returns the value of key and whether it is present.
func (o *Object) Get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	if i, ok := o.find(key); ok {
		return o.vals[i], true
	}
	return nil, false
}

// Len returns the number of members.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// Keys returns the member names in order. The slice is a copy.
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	return append([]string(nil), o.keys...)
}

// Members yields the members in order.
func (o *Object) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		if o == nil {
			return
		}
		for i, k := range o.keys {
			if !yield(k, o.vals[i]) {
				return
			}
		}
	}
}
