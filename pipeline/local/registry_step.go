package local

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// registerExecutor runs RegisterModel steps: it adds the model package
// to the registry under the engine root and returns
// DescribeModelPackage's answer (ModelPackageArn, ...).
type registerExecutor struct{}

// registerModel marks the engine's own implementation of RegisterModel.
type registerModel struct{}

func (registerExecutor) builtin() any                                 { return registerModel{} }
func (registerExecutor) cacheable() bool                              { return false }
func (registerExecutor) keys(s *stepDef) []string                     { return []string{s.name} }
func (registerExecutor) cacheKey(args *pyjson.Object) (any, []string) { return args, nil }

// canned replays the canned log, metrics and errors, then registers the
// package as usual (canned Properties then overlay the result).
func (registerExecutor) canned(c Canned) any { return c }

func (registerExecutor) run(ctx context.Context, a *attempt, impl any) (*result, error) {
	if c, ok := impl.(Canned); ok {
		j := a.job()
		if err := c.apply(&j); err != nil {
			return nil, err
		}
		if len(c.Outputs)+len(c.OutputsFrom) > 0 {
			return nil, fmt.Errorf("canned outputs: a RegisterModel step has no outputs")
		}
	}
	p, err := packageOf(a.args)
	if err != nil {
		return nil, err
	}
	p.GeneratedBy = a.x.vars["PipelineExecutionArn"]
	reg := &Registry{root: a.x.e.root, region: a.x.region, account: a.x.e.cfg.Account}
	for _, m := range p.Metrics {
		if _, err := a.x.store.read(m.S3URI); err != nil {
			a.log.Warn("metrics report not in the artifact store; registered without its content",
				"kind", m.Kind, "uri", m.S3URI, "error", err.Error())
		}
	}
	stored, err := reg.register(ctx, *p, a.x.e.cfg.Clock.Now().UTC())
	if err != nil {
		return nil, err
	}
	a.log.Info("model package registered", "arn", stored.Arn, "status", string(stored.ApprovalStatus))
	b, err := json.Marshal(fileOf(stored))
	if err != nil {
		return nil, err
	}
	tree, err := pyjson.Unmarshal(b)
	if err != nil {
		return nil, err
	}
	props := asObject(tree)
	// Arguments the Describe response does not carry stay visible, as in
	// the arguments of the step record.
	for _, k := range []string{"SkipModelValidation", "DriftCheckBaselines", "Tags"} {
		if v, ok := a.args.Get(k); ok {
			if _, has := props.Get(k); !has {
				props.Set(k, v)
			}
		}
	}
	return &result{properties: props}, nil
}

// packageOf reads a registration's resolved arguments.
func packageOf(args *pyjson.Object) (*ModelPackage, error) {
	p := &ModelPackage{}
	var ok bool
	if p.GroupName, ok = get(args, "ModelPackageGroupName").(string); !ok || p.GroupName == "" {
		return nil, fmt.Errorf("%w: RegisterModel has no ModelPackageGroupName", ErrDefinition)
	}
	// The group may be given by its ARN, as SageMaker accepts.
	if _, name, ok := strings.Cut(p.GroupName, ":model-package-group/"); ok && strings.HasPrefix(p.GroupName, "arn:") {
		p.GroupName = name
	}
	p.Description = str(args, "ModelPackageDescription")
	p.Domain, p.Task, p.SamplePayloadURL = str(args, "Domain"), str(args, "Task"), str(args, "SamplePayloadUrl")
	if s, ok := args.Get("ModelApprovalStatus"); ok {
		status, _ := s.(string)
		p.ApprovalStatus = ApprovalStatus(status)
		if !p.ApprovalStatus.Valid() {
			return nil, fmt.Errorf("%w: ModelApprovalStatus %s", ErrApprovalStatus, pyStr(s))
		}
	}
	if md := asObject(get(args, "CustomerMetadataProperties")); md != nil {
		p.CustomerMetadata = map[string]string{}
		for k, v := range md.Members() {
			p.CustomerMetadata[k] = pyStr(v)
		}
	}
	spec := asObject(get(args, "InferenceSpecification"))
	for _, c := range asList(get(spec, "Containers")) {
		p.InferenceSpecification.Containers = append(p.InferenceSpecification.Containers, containerOf(asObject(c)))
	}
	if len(p.InferenceSpecification.Containers) == 0 {
		return nil, fmt.Errorf("%w: RegisterModel's InferenceSpecification has no Containers", ErrDefinition)
	}
	s := &p.InferenceSpecification
	s.SupportedContentTypes = stringList(get(spec, "SupportedContentTypes"))
	s.SupportedResponseMIMETypes = stringList(get(spec, "SupportedResponseMIMETypes"))
	s.SupportedRealtimeInferenceInstanceTypes = stringList(get(spec, "SupportedRealtimeInferenceInstanceTypes"))
	s.SupportedTransformInstanceTypes = stringList(get(spec, "SupportedTransformInstanceTypes"))
	if mm := asObject(get(args, "ModelMetrics")); mm != nil {
		p.ModelMetrics = map[string]map[string]MetricsSource{}
		for g, reports := range mm.Members() {
			ro := asObject(reports)
			if ro == nil {
				continue
			}
			p.ModelMetrics[g] = map[string]MetricsSource{}
			for n, src := range ro.Members() {
				so := asObject(src)
				ms := MetricsSource{ContentType: str(so, "ContentType"), S3URI: pyStr(get(so, "S3Uri")),
					ContentDigest: str(so, "ContentDigest")}
				p.ModelMetrics[g][n] = ms
				p.Metrics = append(p.Metrics, MetricsReport{Kind: g + "." + n, MetricsSource: ms})
			}
		}
	}
	return p, nil
}
