package steps

import (
	"path"

	"github.com/sagepipe/sagepipe/internal/stepdef"
)

// uploads returns the local code s stages in env, in the order the SDK
// uploads it; nil for a step without local code. Timestamped locations
// (LayoutJob, tuning and model code) are read from env's clock, so freeze
// env.Now to get the locations of one compiled definition.
func uploads(s Step, env *Env) []stepdef.Upload {
	env = orEmpty(env)
	switch x := s.(type) {
	case *ProcessingStep:
		code := x.job.Code
		if code == "" || !isLocal(code) {
			return nil
		}
		var uri string
		if x.job.Layout == LayoutJob {
			uri = env.s3(x.jobName(env), "input", "code", path.Base(code))
		} else {
			sum, err := x.code.get()
			if err != nil {
				return nil // Problems reports it
			}
			uri = env.s3(env.PipelineName, "code", sum, path.Base(code))
		}
		return []stepdef.Upload{{URI: uri, Paths: []string{localPath(code)}}}
	case *TrainingStep:
		f := x.est.Framework
		if f == nil || x.code == nil {
			return nil
		}
		uri, ok := x.submitDir(env).(string)
		if !ok {
			return nil
		}
		return []stepdef.Upload{archive(uri, f.SourceDir, f.entry(), f.Dependencies)}
	case *TuningStep:
		e := &x.tuner.Estimator
		f := e.Framework
		if f == nil || f.codePaths() == nil {
			return nil
		}
		uri := env.s3(env.JobName(e.baseJobName()), "source", "sourcedir.tar.gz")
		return []stepdef.Upload{archive(uri, f.SourceDir, f.entry(), f.Dependencies)}
	case *repackStep:
		return x.upload(env)
	case *modelSubStep:
		var out []stepdef.Upload
		for i := range x.models {
			m := &x.models[i]
			if x.repack(i) != nil || m.EntryPoint == "" || m.NoEnvironment || (m.SourceDir != "" && !isLocal(m.SourceDir)) {
				continue
			}
			if m.SourceDir == "" && !isLocal(m.EntryPoint) {
				continue
			}
			uri := env.s3(modelCodePrefix(env, m.ImageURI), "sourcedir.tar.gz")
			out = append(out, archive(uri, m.SourceDir, m.EntryPoint, nil))
		}
		return out
	}
	return nil
}

// archive describes a sourcedir.tar.gz as the SDK's tar_and_upload_dir
// builds it: the source directory's entries, or else the entry point, then
// the dependencies.
func archive(uri, sourceDir, entryPoint string, deps []string) stepdef.Upload {
	u := stepdef.Upload{URI: uri, Archive: true}
	if sourceDir != "" {
		u.SourceDir = localPath(sourceDir)
	} else {
		u.Paths = append(u.Paths, localPath(entryPoint))
	}
	for _, d := range deps {
		u.Paths = append(u.Paths, localPath(d))
	}
	return u
}
