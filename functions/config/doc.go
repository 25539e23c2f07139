// Package config is the Lambda behind the public routes: GET
// /open/global/config, Tianji's global configuration with its real JSON types,
// read from the environment the template sets, and GET /open/_document, the
// OpenAPI 3 document of the whole API. Neither route needs a key; the answer
// is the same whatever Authorization header is sent.
package config
