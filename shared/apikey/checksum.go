package apikey

import "hash/crc32"

// checksum is the CRC32-IEEE of s. It walks the string directly so the hot
// path never copies the token into a []byte.
func checksum(s string) uint32 {
	crc := ^uint32(0)
	for i := 0; i < len(s); i++ {
		crc = crc32.IEEETable[byte(crc)^s[i]] ^ crc>>8
	}
	return ^crc
}
