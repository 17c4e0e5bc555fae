package pipeline

import (
	"errors"
	"fmt"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
)

// encodeStep writes obj, the object of n's step, to the arena and keeps
// the bytes in n.json, so that each step is written once and its tree can
// be dropped at once. With collect it also records the references of the
// expressions written, in order, in n.refs. A condition's branch step is
// written as the bytes of its own node; a branch step not written yet
// leaves n pending, with nothing kept. Top-level step objects go to the
// arena after the definition's head, separated as the Steps list
// separates them, so that the arena becomes the definition itself; branch
// step objects go to c.inner. It reports whether obj could be written; if
// not, n.encErr says why.
func (c *compiled) encodeStep(n *node, obj *pyjson.Object, collect bool) bool {
	n.pending = false
	ext := func(dst []byte, v any) ([]byte, bool, error) {
		if bs, ok := c.proto.Branch(v); ok {
			if bn := c.nodeOf[bs]; bn != nil && bn.json != nil && !bn.pending {
				return append(dst, bn.json...), true, nil
			}
			n.pending = true
			return append(dst, "null"...), true, nil
		}
		e, ok := stepdef.ExprOf(v)
		if !ok {
			return dst, false, nil
		}
		if collect {
			n.refs = appendRefs(n.refs, e)
		}
		out, err := stepdef.AppendExpr(dst, e)
		return out, true, err
	}
	arena := &c.arena
	if n.parent != nil {
		arena = &c.inner
	}
	dst := *arena
	if n.parent == nil && c.tops > 0 {
		dst = append(dst, stepSep...)
	}
	start := len(dst)
	out, err := pyjson.AppendExt(dst, obj, ext)
	if err != nil {
		n.json, n.encErr = nil, err
		if collect {
			n.refs = nil // the scan finds them
		}
		return false
	}
	if n.pending {
		// Written again once its branch steps are: keep nothing, so
		// that the arena holds each step object once.
		n.json = nil
		return true
	}
	*arena = out
	if n.parent == nil {
		c.tops++
	}
	n.json, n.off = out[start:len(out):len(out)], start
	return true
}

// appendRefs appends the references of e, depth first, as e.Refs yields
// them.
func appendRefs(refs []params.Ref, e params.Expr) []params.Ref {
	switch x := e.(type) {
	case params.Get:
		return append(refs, x.Ref())
	case params.JoinExpr:
		for _, v := range x.Values() {
			refs = appendRefs(refs, v)
		}
	case params.JsonGetExpr:
		if s3, ok := x.S3URI(); ok {
			return appendRefs(refs, s3)
		}
		ref, _ := x.PropertyFile()
		return append(refs, ref)
	}
	return refs
}

// encodeErr wraps an encoder failure in the package's sentinels.
func encodeErr(err error) error {
	if errors.Is(err, pyjson.ErrNaN) || errors.Is(err, params.ErrNaN) {
		return fmt.Errorf("%w: %w", ErrNaN, err)
	}
	return fmt.Errorf("%w: %w", ErrInvalidValue, err)
}
