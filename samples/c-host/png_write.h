/* A minimal PNG writer (RGBA8, no compression: deflate "stored" blocks), so the sample needs no image library.
 * The format: signature, IHDR, one IDAT holding a zlib stream of filter-byte-prefixed rows, IEND; each chunk
 * with a CRC-32, the zlib stream with an Adler-32. */
#ifndef SEEDTEX_PNG_WRITE_H
#define SEEDTEX_PNG_WRITE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t png_crc(uint32_t crc, const unsigned char* data, size_t n) {
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void png_be32(unsigned char* p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

static int png_chunk(FILE* f, const char* type, const unsigned char* data, uint32_t n) {
    unsigned char head[8];
    png_be32(head, n);
    memcpy(head + 4, type, 4);
    uint32_t crc = png_crc(png_crc(0, head + 4, 4), data, n);
    unsigned char tail[4];
    png_be32(tail, crc);
    return fwrite(head, 1, 8, f) == 8 && fwrite(data, 1, n, f) == n && fwrite(tail, 1, 4, f) == 4 ? 0 : -1;
}

/* Returns 0 on success. */
static int png_write_rgba(const char* path, const unsigned char* rgba, int width, int height) {
    size_t row = (size_t)width * 4 + 1, raw_size = row * height;
    size_t blocks = (raw_size + 65534) / 65535;
    size_t z_size = 2 + raw_size + blocks * 5 + 4;
    unsigned char* z = malloc(z_size);
    unsigned char* raw = malloc(raw_size);
    if (!z || !raw) { free(z); free(raw); return -1; }
    for (int y = 0; y < height; y++) {
        raw[y * row] = 0; /* filter: none */
        memcpy(raw + y * row + 1, rgba + (size_t)y * width * 4, (size_t)width * 4);
    }
    size_t o = 0;
    z[o++] = 0x78; z[o++] = 0x01;
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < raw_size; i += 65535) {
        size_t n = raw_size - i < 65535 ? raw_size - i : 65535;
        z[o++] = i + n == raw_size ? 1 : 0;
        z[o++] = n & 0xFF; z[o++] = n >> 8; z[o++] = ~n & 0xFF; z[o++] = (~n >> 8) & 0xFF;
        memcpy(z + o, raw + i, n);
        o += n;
        for (size_t k = 0; k < n; k++) { a = (a + raw[i + k]) % 65521; b = (b + a) % 65521; }
    }
    png_be32(z + o, (b << 16) | a);
    o += 4;

    unsigned char ihdr[13];
    png_be32(ihdr, width);
    png_be32(ihdr + 4, height);
    ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; /* 8-bit RGBA, deflate, no interlace */
    static const unsigned char signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    FILE* f = fopen(path, "wb");
    int status = -1;
    if (f) {
        status = fwrite(signature, 1, 8, f) == 8 && png_chunk(f, "IHDR", ihdr, 13) == 0 && png_chunk(f, "IDAT", z, (uint32_t)o) == 0
                 && png_chunk(f, "IEND", NULL, 0) == 0 ? 0 : -1;
        if (fclose(f) != 0) status = -1;
    }
    free(z);
    free(raw);
    return status;
}

#endif
