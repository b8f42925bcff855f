/*
 * bcryptprimitives.dll for Wine 8 (Debian 12), which lacks ProcessPrng. Rust's
 * standard library imports ProcessPrng from this DLL for random numbers, so without
 * it no Rust program starts under that Wine (status c0000135). Real Windows 10 and 11
 * have it; this stub is for the Linux CI's Wine prefix only and never ships.
 * ProcessPrng fills the buffer from RtlGenRandom (advapi32's SystemFunction036).
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
