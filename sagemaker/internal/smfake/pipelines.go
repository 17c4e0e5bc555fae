package smfake

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"time"
)

type pipelineState struct {
	name, arn, role, definition string
	description, displayName    string
	maxParallel                 int
	version                     int64
	tags                        []any
	created, modified           time.Time
}

type execState struct {
	arn, id, pipeline, displayName string
	definition                     string
	params                         [][2]string
	frames                         []Frame
	at                             int
	status, reason                 string
	stopping                       bool
	created, modified              time.Time
	steps                          map[string]*stepTimes
}

type stepTimes struct{ start, end time.Time }

type handler func(s *Server, in map[string]any) (any, *apiError)

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"CreatePipeline":                         (*Server).createPipeline,
		"UpdatePipeline":                         (*Server).updatePipeline,
		"DescribePipeline":                       (*Server).describePipeline,
		"DeletePipeline":                         (*Server).deletePipeline,
		"AddTags":                                (*Server).addTags,
		"StartPipelineExecution":                 (*Server).startExecution,
		"DescribePipelineExecution":              (*Server).describeExecution,
		"DescribePipelineDefinitionForExecution": (*Server).describeDefinition,
		"ListPipelineExecutionSteps":             (*Server).listSteps,
		"ListPipelineParametersForExecution":     (*Server).listParameters,
		"ListPipelineExecutions":                 (*Server).listExecutions,
		"ListPipelines":                          (*Server).listPipelines,
		"StopPipelineExecution":                  (*Server).stopExecution,
		"RetryPipelineExecution":                 (*Server).retryExecution,
		"CreateFeatureGroup":                     (*Server).createFeatureGroup,
		"DescribeFeatureGroup":                   (*Server).describeFeatureGroup,
		"DeleteFeatureGroup":                     (*Server).deleteFeatureGroup,
	}
}

var pipelineName = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$`)

// definitionOf reads the inline definition or fetches it from S3 through
// the fallback handler.
func (s *Server) definitionOf(op string, in map[string]any) (string, *apiError) {
	def := str(in, "PipelineDefinition")
	loc, hasLoc := in["PipelineDefinitionS3Location"].(map[string]any)
	switch {
	case def != "" && hasLoc:
		return "", validation("only one of PipelineDefinition and PipelineDefinitionS3Location may be given")
	case hasLoc:
		if s.fallback == nil {
			return "", s.problem("%s: definition in S3 but no S3 server", op)
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/"+str(loc, "Bucket")+"/"+str(loc, "ObjectKey"), nil)
		s.fallback.ServeHTTP(rec, req)
		if rec.Code != 200 {
			return "", validation("could not read the definition at s3://%s/%s", str(loc, "Bucket"), str(loc, "ObjectKey"))
		}
		def = rec.Body.String()
	case def == "":
		return "", validation("PipelineDefinition or PipelineDefinitionS3Location is required")
	}
	if len(def) > 1048576 {
		return "", validation("PipelineDefinition longer than 1048576 characters")
	}
	var tree map[string]any
	if err := json.Unmarshal([]byte(def), &tree); err != nil {
		return "", validation("PipelineDefinition is not valid JSON: %v", err)
	}
	if _, ok := tree["Version"]; !ok {
		return "", validation("PipelineDefinition has no Version")
	}
	return def, nil
}

func (s *Server) createPipeline(in map[string]any) (any, *apiError) {
	name := str(in, "PipelineName")
	if !pipelineName.MatchString(name) {
		return nil, validation("invalid PipelineName %q", name)
	}
	if str(in, "RoleArn") == "" || str(in, "ClientRequestToken") == "" {
		return nil, s.problem("CreatePipeline: RoleArn and ClientRequestToken are required")
	}
	if _, ok := s.pipelines[name]; ok {
		return nil, validation("Pipeline names must be unique within an AWS account and region. Pipeline with name (%s) already exists.", name)
	}
	def, e := s.definitionOf("CreatePipeline", in)
	if e != nil {
		return nil, e
	}
	p := &pipelineState{
		name: name, arn: fmt.Sprintf("arn:aws:sagemaker:%s:%s:pipeline/%s", Region, Account, strings.ToLower(name)),
		role: str(in, "RoleArn"), definition: def, description: str(in, "PipelineDescription"),
		displayName: str(in, "PipelineDisplayName"), version: 1, created: s.now(), modified: s.now(),
	}
	p.tags, _ = in["Tags"].([]any)
	p.maxParallel = parallelism(in)
	s.pipelines[name] = p
	return map[string]any{"PipelineArn": p.arn}, nil
}

func (s *Server) lookup(name string) (*pipelineState, *apiError) {
	p, ok := s.pipelines[name]
	if !ok {
		return nil, notFound("Pipeline '%s' does not exist.", name)
	}
	return p, nil
}

func (s *Server) updatePipeline(in map[string]any) (any, *apiError) {
	p, e := s.lookup(str(in, "PipelineName"))
	if e != nil {
		return nil, e
	}
	def, e := s.definitionOf("UpdatePipeline", in)
	if e != nil {
		return nil, e
	}
	p.definition, p.version, p.modified = def, p.version+1, s.now()
	if r := str(in, "RoleArn"); r != "" {
		p.role = r
	}
	if d := str(in, "PipelineDescription"); d != "" {
		p.description = d
	}
	if d := str(in, "PipelineDisplayName"); d != "" {
		p.displayName = d
	}
	if n := parallelism(in); n > 0 {
		p.maxParallel = n
	}
	return map[string]any{"PipelineArn": p.arn, "PipelineVersionId": p.version}, nil
}

func (s *Server) describePipeline(in map[string]any) (any, *apiError) {
	p, e := s.lookup(str(in, "PipelineName"))
	if e != nil {
		return nil, e
	}
	return compact(map[string]any{
		"PipelineArn": p.arn, "PipelineName": p.name, "PipelineDefinition": p.definition,
		"PipelineDescription": p.description, "PipelineDisplayName": p.displayName, "RoleArn": p.role,
		"PipelineStatus": "Active", "CreationTime": epoch(p.created), "LastModifiedTime": epoch(p.modified),
	}), nil
}

func (s *Server) deletePipeline(in map[string]any) (any, *apiError) {
	p, e := s.lookup(str(in, "PipelineName"))
	if e != nil {
		return nil, e
	}
	delete(s.pipelines, p.name)
	return map[string]any{"PipelineArn": p.arn}, nil
}

func (s *Server) addTags(in map[string]any) (any, *apiError) {
	arn := str(in, "ResourceArn")
	for _, p := range s.pipelines {
		if p.arn == arn {
			tags, _ := in["Tags"].([]any)
			p.tags = append(p.tags, tags...)
			return map[string]any{"Tags": p.tags}, nil
		}
	}
	return nil, notFound("resource %s not found", arn)
}

// Tags returns the named pipeline's tags as key=value strings.
func (s *Server) Tags(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if p, ok := s.pipelines[name]; ok {
		for _, t := range p.tags {
			m, _ := t.(map[string]any)
			out = append(out, str(m, "Key")+"="+str(m, "Value"))
		}
	}
	return out
}

// declared returns the parameters of a definition: name → [type, default].
func declared(def string) ([][3]string, error) {
	var tree struct {
		Parameters []struct {
			Name, Type   string
			DefaultValue any
		}
	}
	if err := json.Unmarshal([]byte(def), &tree); err != nil {
		return nil, err
	}
	var out [][3]string
	for _, p := range tree.Parameters {
		d := ""
		if p.DefaultValue != nil {
			d = fmt.Sprint(p.DefaultValue)
		}
		out = append(out, [3]string{p.Name, p.Type, d})
	}
	return out, nil
}

func (s *Server) startExecution(in map[string]any) (any, *apiError) {
	p, e := s.lookup(str(in, "PipelineName"))
	if e != nil {
		return nil, e
	}
	if str(in, "ClientRequestToken") == "" {
		return nil, s.problem("StartPipelineExecution: ClientRequestToken is required")
	}
	decl, err := declared(p.definition)
	if err != nil {
		return nil, validation("definition: %v", err)
	}
	values := map[string]string{}
	given, _ := in["PipelineParameters"].([]any)
	for _, g := range given {
		m, _ := g.(map[string]any)
		name, value := str(m, "Name"), str(m, "Value")
		if !slices.ContainsFunc(decl, func(d [3]string) bool { return d[0] == name }) {
			return nil, validation("Parameter '%s' is not defined in the pipeline definition.", name)
		}
		values[name] = value
	}
	var params [][2]string
	for _, d := range decl {
		v, ok := values[d[0]]
		if !ok {
			v = d[2]
		}
		params = append(params, [2]string{d[0], v})
	}
	s.nextExecID++
	id := fmt.Sprintf("exec%08d", s.nextExecID)
	x := &execState{
		arn: p.arn + "/execution/" + id, id: id, pipeline: p.name, definition: p.definition,
		displayName: str(in, "PipelineExecutionDisplayName"), params: params,
		frames: slices.Clone(s.scripts[p.name]), at: -1, status: "Executing",
		created: s.now(), modified: s.now(), steps: map[string]*stepTimes{},
	}
	s.execs[x.arn] = x
	s.execOrder = append(s.execOrder, x.arn)
	return map[string]any{"PipelineExecutionArn": x.arn}, nil
}

func (s *Server) exec(in map[string]any) (*execState, *apiError) {
	arn := str(in, "PipelineExecutionArn")
	x, ok := s.execs[arn]
	if !ok {
		return nil, notFound("Pipeline execution '%s' does not exist.", arn)
	}
	return x, nil
}

// frame returns the execution's current frame, with stop applied.
func (x *execState) frame() Frame {
	var f Frame
	if x.at >= 0 && x.at < len(x.frames) {
		f = x.frames[x.at]
		f.Steps = slices.Clone(f.Steps)
	}
	if x.stopping {
		for i, st := range f.Steps {
			if st.Status == "Starting" || st.Status == "Executing" {
				f.Steps[i].Status = "Stopped"
			}
		}
	}
	return f
}

func (s *Server) describeExecution(in map[string]any) (any, *apiError) {
	x, e := s.exec(in)
	if e != nil {
		return nil, e
	}
	switch {
	case x.stopping:
		if x.status == "Stopping" {
			x.status = "Stopped"
		} else {
			x.status = "Stopping"
		}
	case x.status == "Executing" && x.at < len(x.frames)-1:
		x.at++
		f := x.frames[x.at]
		x.status, x.reason = f.Status, f.FailureReason
	}
	x.modified = s.now()
	for _, st := range x.frame().Steps {
		t, ok := x.steps[st.Name]
		if !ok {
			t = &stepTimes{start: s.now()}
			x.steps[st.Name] = t
		}
		if final(st.Status) && t.end.IsZero() {
			t.end = s.now()
		} else if !final(st.Status) {
			t.end = time.Time{}
		}
	}
	return compact(map[string]any{
		"PipelineArn": s.pipelines[x.pipeline].arnOr(x), "PipelineExecutionArn": x.arn,
		"PipelineExecutionDisplayName": x.displayName, "PipelineExecutionStatus": x.status,
		"FailureReason": x.reason, "CreationTime": epoch(x.created), "LastModifiedTime": epoch(x.modified),
	}), nil
}

func (p *pipelineState) arnOr(x *execState) string {
	if p == nil {
		return strings.SplitN(x.arn, "/execution/", 2)[0]
	}
	return p.arn
}

func final(status string) bool {
	return status == "Succeeded" || status == "Failed" || status == "Stopped"
}

func (s *Server) describeDefinition(in map[string]any) (any, *apiError) {
	x, e := s.exec(in)
	if e != nil {
		return nil, e
	}
	return map[string]any{"PipelineDefinition": x.definition, "CreationTime": epoch(x.created)}, nil
}

func (s *Server) listSteps(in map[string]any) (any, *apiError) {
	x, e := s.exec(in)
	if e != nil {
		return nil, e
	}
	var items []any
	for _, st := range x.frame().Steps {
		t := x.steps[st.Name]
		if t == nil {
			t = &stepTimes{start: s.now()}
		}
		m := compact(map[string]any{
			"StepName": st.Name, "StepStatus": st.Status, "FailureReason": st.FailureReason,
			"StartTime": epoch(t.start), "EndTime": epoch(t.end),
		})
		if st.Attempts > 0 {
			m["AttemptCount"] = st.Attempts
		}
		if st.CachedFrom != "" {
			m["CacheHitResult"] = map[string]any{"SourcePipelineExecutionArn": st.CachedFrom}
		}
		switch st.Kind {
		case "":
		case "Condition":
			m["Metadata"] = map[string]any{"Condition": map[string]any{"Outcome": st.Outcome}}
		case "Fail":
			m["Metadata"] = map[string]any{"Fail": map[string]any{"ErrorMessage": st.FailureReason}}
		case "Processing", "Training", "Transform":
			m["Metadata"] = map[string]any{st.Kind + "Job": map[string]any{"Arn": x.arn + "/" + st.Name}}
		case "Tuning":
			m["Metadata"] = map[string]any{"TuningJob": map[string]any{"Arn": x.arn + "/" + st.Name}}
		default:
			m["Metadata"] = map[string]any{st.Kind: map[string]any{"Arn": x.arn + "/" + st.Name}}
		}
		items = append(items, m)
	}
	if str(in, "SortOrder") != "Ascending" {
		slices.Reverse(items) // the service lists newest first by default
	}
	pg, next, e := page(s, items, in)
	if e != nil {
		return nil, e
	}
	return compact(map[string]any{"PipelineExecutionSteps": pg, "NextToken": next}), nil
}

func (s *Server) listParameters(in map[string]any) (any, *apiError) {
	x, e := s.exec(in)
	if e != nil {
		return nil, e
	}
	var items []any
	for _, p := range x.params {
		items = append(items, map[string]any{"Name": p[0], "Value": p[1]})
	}
	pg, next, e := page(s, items, in)
	if e != nil {
		return nil, e
	}
	return compact(map[string]any{"PipelineParameters": pg, "NextToken": next}), nil
}

func (s *Server) listExecutions(in map[string]any) (any, *apiError) {
	name := str(in, "PipelineName")
	if _, e := s.lookup(name); e != nil {
		return nil, e
	}
	var items []any
	for _, arn := range slices.Backward(s.execOrder) {
		x := s.execs[arn]
		if x.pipeline != name {
			continue
		}
		items = append(items, compact(map[string]any{
			"PipelineExecutionArn": x.arn, "PipelineExecutionStatus": x.status,
			"PipelineExecutionDisplayName": x.displayName, "PipelineExecutionFailureReason": x.reason,
			"StartTime": epoch(x.created),
		}))
	}
	pg, next, e := page(s, items, in)
	if e != nil {
		return nil, e
	}
	return compact(map[string]any{"PipelineExecutionSummaries": pg, "NextToken": next}), nil
}

func (s *Server) listPipelines(in map[string]any) (any, *apiError) {
	prefix := str(in, "PipelineNamePrefix")
	var ps []*pipelineState
	for _, p := range s.pipelines {
		if strings.HasPrefix(p.name, prefix) {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b *pipelineState) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	var items []any
	for _, p := range ps {
		items = append(items, compact(map[string]any{
			"PipelineArn": p.arn, "PipelineName": p.name, "PipelineDisplayName": p.displayName,
			"PipelineDescription": p.description, "RoleArn": p.role,
			"CreationTime": epoch(p.created), "LastModifiedTime": epoch(p.modified),
		}))
	}
	pg, next, e := page(s, items, in)
	if e != nil {
		return nil, e
	}
	return compact(map[string]any{"PipelineSummaries": pg, "NextToken": next}), nil
}

func (s *Server) stopExecution(in map[string]any) (any, *apiError) {
	x, e := s.exec(in)
	if e != nil {
		return nil, e
	}
	if x.status != "Executing" {
		return nil, validation("Pipeline execution '%s' is in status %s and cannot be stopped.", x.arn, x.status)
	}
	x.stopping = true
	return map[string]any{"PipelineExecutionArn": x.arn}, nil
}

func (s *Server) retryExecution(in map[string]any) (any, *apiError) {
	x, e := s.exec(in)
	if e != nil {
		return nil, e
	}
	if x.status != "Failed" {
		return nil, validation("Pipeline execution '%s' is in status %s; only Failed executions can be retried.", x.arn, x.status)
	}
	x.frames, x.at = slices.Clone(s.retries[x.pipeline]), -1
	x.status, x.reason = "Executing", ""
	return map[string]any{"PipelineExecutionArn": x.arn}, nil
}

func parallelism(in map[string]any) int {
	pc, _ := in["ParallelismConfiguration"].(map[string]any)
	n, _ := pc["MaxParallelExecutionSteps"].(float64)
	return int(n)
}

// PipelineInfo is what the server holds of a pipeline.
type PipelineInfo struct {
	Definition, Description, DisplayName, Role string
	MaxParallelSteps                           int
	Version                                    int64
}

// Pipeline returns what the server holds of the named pipeline.
func (s *Server) Pipeline(name string) (PipelineInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pipelines[name]
	if !ok {
		return PipelineInfo{}, false
	}
	return PipelineInfo{Definition: p.definition, Description: p.description, DisplayName: p.displayName,
		Role: p.role, MaxParallelSteps: p.maxParallel, Version: p.version}, true
}
