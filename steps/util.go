package steps

import (
	"regexp"
	"slices"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/params"
)

func cloneSlice[S ~[]E, E any](s S) S { return slices.Clone(s) }

// exprOf returns the expression of a typed input for the argument tree, or
// nil (JSON null) when the input is unset.
func exprOf[T params.Primitive](in params.Input[T]) any {
	if in == nil {
		return nil
	}
	return in.Value().Expr()
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func orEmpty(env *Env) *Env {
	if env == nil {
		return &Env{}
	}
	return env
}

// membersObject renders ordered members as an object; values may be Go
// literals or params values.
func membersObject(ms []Member) *pyjson.Object {
	o := pyjson.NewObject()
	for _, m := range ms {
		o.Set(m.Key, anyValue(m.Value))
	}
	return o
}

func tagList(ts []Tag) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}

// anyValue turns a user-supplied untyped value into a tree leaf: params
// values and expressions become their expression, anything else is kept.
func anyValue(v any) any {
	switch x := v.(type) {
	case interface{ Expr() params.Expr }:
		return x.Expr()
	}
	return v
}

var imageBaseRE = regexp.MustCompile(`^(.+/)?([^:/]+)(:[^:]+)?$`)

// BaseNameFromImage returns the algorithm name the SDK derives from an image
// URI for default job names: the repository name without registry and tag
// ("…/sagemaker-xgboost:1.7-1" → "sagemaker-xgboost").
func BaseNameFromImage(image string) string {
	if m := imageBaseRE.FindStringSubmatch(image); m != nil {
		return m[2]
	}
	return image
}
