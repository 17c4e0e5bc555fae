package pyjson

import "iter"

// Object is a JSON object whose members keep their insertion order, like a
// Python dict. The zero value is an empty object ready to use; an Object
// must not be copied after its first Set.
type Object struct {
	members []member
	index   map[string]int // built once the object grows past indexFrom members
	small   [smallObject]member
}

// smallObject is how many members an Object holds without a second
// allocation: most definition objects are this small.
const smallObject = 6

type member struct {
	key string
	val any
}

const indexFrom = 8

// NewObject returns an empty object.
func NewObject() *Object { return &Object{} }

// Set sets key to v and returns o, so calls can be chained. A new key is
// appended; an existing key keeps its position and gets the new value.
func (o *Object) Set(key string, v any) *Object {
	if i, ok := o.find(key); ok {
		o.members[i].val = v
		return o
	}
	if o.members == nil {
		o.members = o.small[:0]
	}
	o.members = append(o.members, member{key, v})
	if o.index != nil {
		o.index[key] = len(o.members) - 1
	} else if len(o.members) > indexFrom {
		o.index = make(map[string]int, len(o.members)*2)
		for i, m := range o.members {
			o.index[m.key] = i
		}
	}
	return o
}

func (o *Object) find(key string) (int, bool) {
	if o.index != nil {
		i, ok := o.index[key]
		return i, ok
	}
	for i := range o.members {
		if o.members[i].key == key {
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
		return o.members[i].val, true
	}
	return nil, false
}

// Len returns the number of members.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.members)
}

// Keys returns the member names in order. The slice is a copy.
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	keys := make([]string, len(o.members))
	for i, m := range o.members {
		keys[i] = m.key
	}
	return keys
}

// Members yields the members in order.
func (o *Object) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		if o == nil {
			return
		}
		for _, m := range o.members {
			if !yield(m.key, m.val) {
				return
			}
		}
	}
}
