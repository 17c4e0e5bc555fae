package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ApprovalStatus is a model package's approval status.
type ApprovalStatus string

// The approval statuses. A package is registered PendingManualApproval
// unless its registration says otherwise; SageMaker deploys only
// Approved packages, and any status may change to any other.
const (
	PendingManualApproval ApprovalStatus = "PendingManualApproval"
	Approved              ApprovalStatus = "Approved"
	Rejected              ApprovalStatus = "Rejected"
)

// Valid reports whether s is one of the three statuses.
func (s ApprovalStatus) Valid() bool {
	return s == PendingManualApproval || s == Approved || s == Rejected
}

// Registry errors.
var (
	// ErrNoModelPackage reports a model package group or version that is
	// not in the registry.
	ErrNoModelPackage = errors.New("local: no such model package")
	// ErrApprovalStatus reports an approval status that is not one of
	// PendingManualApproval, Approved and Rejected.
	ErrApprovalStatus = errors.New("local: bad approval status")
	// ErrNotApproved reports a model package served while not Approved.
	ErrNotApproved = errors.New("local: model package is not approved")
)

// ModelPackageGroup is a group of model package versions, as SageMaker's
// DescribeModelPackageGroup returns it.
type ModelPackageGroup struct {
	Name         string    `json:"ModelPackageGroupName"`
	Arn          string    `json:"ModelPackageGroupArn"`
	Description  string    `json:"ModelPackageGroupDescription,omitempty"`
	CreationTime time.Time `json:"CreationTime"`
	Status       string    `json:"ModelPackageGroupStatus"`
}

// InferenceSpecification says how a model package is served.
type InferenceSpecification struct {
	Containers                              []Container `json:"Containers"`
	SupportedContentTypes                   []string    `json:"SupportedContentTypes,omitempty"`
	SupportedResponseMIMETypes              []string    `json:"SupportedResponseMIMETypes,omitempty"`
	SupportedRealtimeInferenceInstanceTypes []string    `json:"SupportedRealtimeInferenceInstanceTypes,omitempty"`
	SupportedTransformInstanceTypes         []string    `json:"SupportedTransformInstanceTypes,omitempty"`
}

// MetricsSource locates a metrics report: {"ContentType", "S3Uri",
// "ContentDigest"}.
type MetricsSource struct {
	ContentType   string `json:"ContentType,omitempty"`
	S3URI         string `json:"S3Uri"`
	ContentDigest string `json:"ContentDigest,omitempty"`
}

// MetricsReport is one report of a model package's ModelMetrics with its
// content, read from the artifact store when the package was registered
// (so later changes to the store do not change the registry).
type MetricsReport struct {
	// Kind is the report's place in ModelMetrics: "ModelQuality.Statistics",
	// "Bias.Report", ...
	Kind string
	MetricsSource
	// Content is the report's bytes; nil when nothing was stored at its
	// URI at registration.
	Content []byte
}

// ModelPackage is one version of a model package group, as SageMaker's
// DescribeModelPackage returns it, plus the content of its metrics.
type ModelPackage struct {
	GroupName string `json:"ModelPackageGroupName"`
	// Version counts from 1 in its group.
	Version int `json:"ModelPackageVersion"`
	// Name is the group name, as SageMaker names versioned packages.
	Name                   string                              `json:"ModelPackageName"`
	Arn                    string                              `json:"ModelPackageArn"`
	Description            string                              `json:"ModelPackageDescription,omitempty"`
	CreationTime           time.Time                           `json:"CreationTime"`
	LastModifiedTime       time.Time                           `json:"LastModifiedTime,omitzero"`
	Status                 string                              `json:"ModelPackageStatus"`
	ApprovalStatus         ApprovalStatus                      `json:"ModelApprovalStatus"`
	ApprovalDescription    string                              `json:"ApprovalDescription,omitempty"`
	InferenceSpecification InferenceSpecification              `json:"InferenceSpecification"`
	ModelMetrics           map[string]map[string]MetricsSource `json:"ModelMetrics,omitempty"`
	CustomerMetadata       map[string]string                   `json:"CustomerMetadataProperties,omitempty"`
	Domain                 string                              `json:"Domain,omitempty"`
	Task                   string                              `json:"Task,omitempty"`
	SamplePayloadURL       string                              `json:"SamplePayloadUrl,omitempty"`
	// GeneratedBy is the pipeline execution that registered it.
	GeneratedBy string `json:"-"`
	// Metrics are ModelMetrics' reports with their content, in the order
	// of their kinds.
	Metrics []MetricsReport `json:"-"`
}

// Metric returns the report of the given kind ("ModelQuality.Statistics").
func (p *ModelPackage) Metric(kind string) (MetricsReport, bool) {
	for _, m := range p.Metrics {
		if m.Kind == kind {
			return m, true
		}
	}
	return MetricsReport{}, false
}

// packageFile is how a package is stored: DescribeModelPackage's fields,
// and MetadataProperties.
type packageFile struct {
	*ModelPackage
	MetadataProperties *struct {
		GeneratedBy string `json:"GeneratedBy,omitempty"`
	} `json:"MetadataProperties,omitempty"`
}

// Registry is the local model registry of an engine root, under
// <root>/registry/: a directory per model package group, holding a
// directory per version. Writes are atomic, and registrations from
// several goroutines or processes get distinct versions. A Registry is
// safe for concurrent use.
type Registry struct {
	root            string
	region, account string
}

// OpenRegistry returns the registry under the engine root root (empty
// means DefaultRoot). New groups get ARNs in region "local" and account
// "000000000000"; Engine.Registry uses the engine's.
func OpenRegistry(root string) *Registry {
	return &Registry{root: rootOrDefault(root), region: "local", account: "000000000000"}
}

// Registry returns the registry under the engine's root.
func (e *Engine) Registry() *Registry {
	return &Registry{root: e.root, region: e.cfg.Region, account: e.cfg.Account}
}

// Root returns the engine root the registry lives under.
func (r *Registry) Root() string { return r.root }

func (r *Registry) dir() string { return filepath.Join(r.root, "registry") }

func (r *Registry) groupDir(name string) (string, error) {
	if !validName(name) || len(name) > 63 {
		return "", fmt.Errorf("%w: %q is not a valid model package group name", ErrNoModelPackage, name)
	}
	return filepath.Join(r.dir(), name), nil
}

func (r *Registry) arn(resource string) string {
	return "arn:aws:sagemaker:" + r.region + ":" + r.account + ":" + resource
}

// Groups returns the registry's groups, by name.
func (r *Registry) Groups(ctx context.Context) ([]ModelPackageGroup, error) {
	ents, err := os.ReadDir(r.dir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("local: registry: %w", err)
	}
	var out []ModelPackageGroup
	for _, ent := range ents {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !ent.IsDir() || strings.HasPrefix(ent.Name(), ".") {
			continue
		}
		g, err := r.Group(ctx, ent.Name())
		if errors.Is(err, ErrNoModelPackage) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *g)
	}
	return out, nil
}

// Group returns the named group.
func (r *Registry) Group(ctx context.Context, name string) (*ModelPackageGroup, error) {
	dir, err := r.groupDir(name)
	if err != nil {
		return nil, err
	}
	var g ModelPackageGroup
	if err := readJSON(filepath.Join(dir, "group.json"), &g); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: no group %q", ErrNoModelPackage, name)
		}
		return nil, fmt.Errorf("local: registry group %q: %w", name, err)
	}
	return &g, nil
}

// Versions returns the group's packages, by version.
func (r *Registry) Versions(ctx context.Context, group string) ([]ModelPackage, error) {
	if _, err := r.Group(ctx, group); err != nil {
		return nil, err
	}
	dir, _ := r.groupDir(group)
	var out []ModelPackage
	for _, v := range r.versionNumbers(dir) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := r.Package(ctx, group, v)
		if errors.Is(err, ErrNoModelPackage) {
			continue // being registered
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// versionNumbers returns the version directories of a group, ascending.
func (r *Registry) versionNumbers(dir string) []int {
	ents, _ := os.ReadDir(dir)
	var vs []int
	for _, ent := range ents {
		if n, err := strconv.Atoi(ent.Name()); err == nil && ent.IsDir() && n > 0 {
			vs = append(vs, n)
		}
	}
	slices.Sort(vs)
	return vs
}

// Package returns version v of the group.
func (r *Registry) Package(ctx context.Context, group string, v int) (*ModelPackage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir, err := r.groupDir(group)
	if err != nil {
		return nil, err
	}
	vdir := filepath.Join(dir, strconv.Itoa(v))
	p := &ModelPackage{}
	f := packageFile{ModelPackage: p}
	if err := readJSON(filepath.Join(vdir, "package.json"), &f); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s/%d", ErrNoModelPackage, group, v)
		}
		return nil, fmt.Errorf("local: model package %s/%d: %w", group, v, err)
	}
	if f.MetadataProperties != nil {
		p.GeneratedBy = f.MetadataProperties.GeneratedBy
	}
	for _, kind := range metricKinds(p.ModelMetrics) {
		g, n, _ := strings.Cut(kind, ".")
		m := MetricsReport{Kind: kind, MetricsSource: p.ModelMetrics[g][n]}
		b, err := os.ReadFile(filepath.Join(vdir, "metrics", kind))
		if err == nil {
			m.Content = b
		}
		p.Metrics = append(p.Metrics, m)
	}
	return p, nil
}

// PackageByArn returns the package with the given ARN
// (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>).
func (r *Registry) PackageByArn(ctx context.Context, arn string) (*ModelPackage, error) {
	_, res, ok := strings.Cut(arn, ":model-package/")
	group, ver, ok2 := strings.Cut(res, "/")
	v, err := strconv.Atoi(ver)
	if !ok || !ok2 || err != nil {
		return nil, fmt.Errorf("%w: %q is not a model package version ARN", ErrNoModelPackage, arn)
	}
	groups, err := r.Groups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if strings.EqualFold(g.Name, group) {
			p, err := r.Package(ctx, g.Name, v)
			if err == nil && p.Arn != arn {
				return nil, fmt.Errorf("%w: %s (the package there is %s)", ErrNoModelPackage, arn, p.Arn)
			}
			return p, err
		}
	}
	return nil, fmt.Errorf("%w: no group for %s", ErrNoModelPackage, arn)
}

// Latest returns the group's newest package with the given status, or
// its newest package when status is empty.
func (r *Registry) Latest(ctx context.Context, group string, status ApprovalStatus) (*ModelPackage, error) {
	vs, err := r.Versions(ctx, group)
	if err != nil {
		return nil, err
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if status == "" || vs[i].ApprovalStatus == status {
			return &vs[i], nil
		}
	}
	if status == "" {
		return nil, fmt.Errorf("%w: group %q has no versions", ErrNoModelPackage, group)
	}
	return nil, fmt.Errorf("%w: group %q has no %s version", ErrNoModelPackage, group, status)
}

// Approve sets version v's status to Approved, with a description.
func (r *Registry) Approve(ctx context.Context, group string, v int, description string) (*ModelPackage, error) {
	return r.SetApproval(ctx, group, v, Approved, description)
}

// Reject sets version v's status to Rejected, with a description.
func (r *Registry) Reject(ctx context.Context, group string, v int, description string) (*ModelPackage, error) {
	return r.SetApproval(ctx, group, v, Rejected, description)
}

// SetApproval sets version v's approval status and description (as
// UpdateModelPackage does) and its LastModifiedTime, and returns the
// package. The write is atomic; concurrent changes end with one of them
// whole.
func (r *Registry) SetApproval(ctx context.Context, group string, v int, status ApprovalStatus, description string) (*ModelPackage, error) {
	if !status.Valid() {
		return nil, fmt.Errorf("%w: %q", ErrApprovalStatus, status)
	}
	p, err := r.Package(ctx, group, v)
	if err != nil {
		return nil, err
	}
	p.ApprovalStatus, p.ApprovalDescription = status, description
	p.LastModifiedTime = time.Now().UTC()
	dir, _ := r.groupDir(group)
	if err := writeJSON(filepath.Join(dir, strconv.Itoa(v), "package.json"), fileOf(p)); err != nil {
		return nil, fmt.Errorf("local: model package %s/%d: %w", group, v, err)
	}
	return p, nil
}

func fileOf(p *ModelPackage) packageFile {
	f := packageFile{ModelPackage: p}
	if p.GeneratedBy != "" {
		f.MetadataProperties = &struct {
			GeneratedBy string `json:"GeneratedBy,omitempty"`
		}{p.GeneratedBy}
	}
	return f
}

// Register adds p to the registry as the next version of its group
// (p.GroupName), creating the group when it has none, and returns the
// stored package: Version, Name, Arn, CreationTime and Status are set,
// ApprovalStatus defaults to PendingManualApproval, and Metrics'
// contents are kept with it (a report with a nil Content whose S3 URI is
// in the store is read from there). Registrations running at once, in
// this process or another, get distinct versions.
func (r *Registry) Register(ctx context.Context, p ModelPackage) (*ModelPackage, error) {
	return r.register(ctx, p, time.Now().UTC())
}

func (r *Registry) register(ctx context.Context, p ModelPackage, now time.Time) (*ModelPackage, error) {
	if p.ApprovalStatus == "" {
		p.ApprovalStatus = PendingManualApproval
	}
	if !p.ApprovalStatus.Valid() {
		return nil, fmt.Errorf("%w: %q", ErrApprovalStatus, p.ApprovalStatus)
	}
	if len(p.InferenceSpecification.Containers) == 0 {
		return nil, fmt.Errorf("local: model package for group %q: the inference specification has no containers", p.GroupName)
	}
	dir, err := r.groupDir(p.GroupName)
	if err != nil {
		return nil, err
	}
	if err := r.ensureGroup(p.GroupName, dir, now); err != nil {
		return nil, err
	}
	st := store{root: r.root}
	for i, m := range p.Metrics {
		if m.Content == nil && m.S3URI != "" {
			if b, err := st.read(m.S3URI); err == nil {
				p.Metrics[i].Content = b
			}
		}
	}
	// Reserve the next version: Mkdir fails for a version someone else
	// took first.
	var v int
	var vdir string
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		vs := r.versionNumbers(dir)
		v = 1
		if len(vs) > 0 {
			v = vs[len(vs)-1] + 1
		}
		vdir = filepath.Join(dir, strconv.Itoa(v))
		err := os.Mkdir(vdir, 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("local: registry group %q: %w", p.GroupName, err)
		}
	}
	p.Version, p.Name = v, p.GroupName
	p.Arn = r.arn("model-package/" + lower(p.GroupName) + "/" + strconv.Itoa(v))
	p.CreationTime, p.LastModifiedTime, p.Status = now, time.Time{}, "Completed"
	if len(p.Metrics) > 0 && p.ModelMetrics == nil {
		p.ModelMetrics = map[string]map[string]MetricsSource{}
	}
	for _, m := range p.Metrics {
		g, n, ok := strings.Cut(m.Kind, ".")
		if !ok || g == "" || n == "" || strings.ContainsAny(m.Kind, `/\`) {
			os.RemoveAll(vdir)
			return nil, fmt.Errorf("local: model package for group %q: bad metrics kind %q (want Group.Name)", p.GroupName, m.Kind)
		}
		if p.ModelMetrics[g] == nil {
			p.ModelMetrics[g] = map[string]MetricsSource{}
		}
		p.ModelMetrics[g][n] = m.MetricsSource
		if m.Content != nil {
			if err := os.MkdirAll(filepath.Join(vdir, "metrics"), 0o755); err == nil {
				err = os.WriteFile(filepath.Join(vdir, "metrics", m.Kind), m.Content, 0o644)
			}
			if err != nil {
				os.RemoveAll(vdir)
				return nil, fmt.Errorf("local: model package %s/%d: %w", p.GroupName, v, err)
			}
		}
	}
	// package.json last: a version without it is still being registered.
	if err := writeJSON(filepath.Join(vdir, "package.json"), fileOf(&p)); err != nil {
		os.RemoveAll(vdir)
		return nil, fmt.Errorf("local: model package %s/%d: %w", p.GroupName, v, err)
	}
	return r.Package(ctx, p.GroupName, v)
}

// ensureGroup creates the group's directory with its group.json, atomically:
// it is made aside and renamed into place, and a group someone else made
// first is kept.
func (r *Registry) ensureGroup(name, dir string, now time.Time) error {
	if _, err := os.Stat(filepath.Join(dir, "group.json")); err == nil {
		return nil
	}
	if err := os.MkdirAll(r.dir(), 0o755); err != nil {
		return fmt.Errorf("local: registry: %w", err)
	}
	tmp, err := os.MkdirTemp(r.dir(), ".new-group-*")
	if err != nil {
		return fmt.Errorf("local: registry: %w", err)
	}
	defer os.RemoveAll(tmp)
	g := ModelPackageGroup{Name: name, Arn: r.arn("model-package-group/" + lower(name)),
		CreationTime: now, Status: "Completed"}
	if err := writeJSON(filepath.Join(tmp, "group.json"), g); err != nil {
		return fmt.Errorf("local: registry group %q: %w", name, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "group.json")); serr == nil {
			return nil // made by someone else meanwhile
		}
		return fmt.Errorf("local: registry group %q: %w", name, err)
	}
	return nil
}

// metricKinds returns "Group.Name" for every report in ModelMetrics, in
// a stable order.
func metricKinds(mm map[string]map[string]MetricsSource) []string {
	var out []string
	for g, m := range mm {
		for n := range m {
			out = append(out, g+"."+n)
		}
	}
	slices.Sort(out)
	return out
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
