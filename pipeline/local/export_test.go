package local

// ParseExpireAfter exposes parseExpireAfter to the tests.
var ParseExpireAfter = parseExpireAfter
