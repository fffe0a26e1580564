/*
 * pp: the core-to-core cache-line round trip of the first two CPUs, in ns (one line on stdout).
 * Two threads pinned to CPUs 0 and 1 pass a counter back and forth through one cache line N times.
 * On a 2-vCPU virtual machine it tells the placement the hypervisor gives the two vCPUs right now:
 * close (~70-130 ns, one cache domain) or far (~370-420 ns, likely different CCDs or sockets), which
 * the full-batch step's two-thread time follows (issue 18). Used by benchmarks/placement-fullbatch.sh.
 *
 * Build: cc -O2 -pthread -o pp benchmarks/pp/pp.c   (do not commit the binary)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <time.h>
#include <sched.h>
static _Alignas(64) _Atomic long flag;
#define N 200000
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);pthread_setaffinity_np(pthread_self(),sizeof s,&s);}
static void* other(void*a){pin(1);for(long i=0;i<N;i++){while(atomic_load_explicit(&flag,memory_order_acquire)!=2*i+1);atomic_store_explicit(&flag,2*i+2,memory_order_release);}return 0;}
int main(){pthread_t t;pin(0);pthread_create(&t,0,other,0);struct timespec a,b;clock_gettime(CLOCK_MONOTONIC,&a);
for(long i=0;i<N;i++){atomic_store_explicit(&flag,2*i+1,memory_order_release);while(atomic_load_explicit(&flag,memory_order_acquire)!=2*i+2);}
clock_gettime(CLOCK_MONOTONIC,&b);pthread_join(t,0);printf("%.0f\n",((b.tv_sec-a.tv_sec)*1e9+(b.tv_nsec-a.tv_nsec))/N);}
