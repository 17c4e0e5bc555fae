package stepdef

// Upload is local code that a step's definition names by S3 location: the
// SDK uploads it there before it creates or updates the pipeline.
type Upload struct {
	// URI is the s3:// location the definition names.
	URI string
	// Archive says the code is packed into one gzipped tar
	// (sourcedir.tar.gz): every entry of SourceDir, when set, then each
	// of Paths, at the archive's root under its base name (a directory
	// with its contents). Otherwise Paths holds one file uploaded as is.
	Archive   bool
	SourceDir string
	Paths     []string
	// Files are generated files an archive holds at its root after the
	// others (the repacking scripts of a model's repack step).
	Files []File
}

// File is a generated file of an archive.
type File struct {
	Name string
	Mode int64 // permission bits
	Data []byte
}
