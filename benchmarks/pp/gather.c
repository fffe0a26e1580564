/*
 * gather: what reading rows another core has just written costs, gathered at random or streamed first
 * into a private copy (issue 18: the full-batch step's second thread in the far vCPU placement).
 * CPU 1 rewrites every row of a table shaped like the 100k step's V (1,682 rows × 32 floats, 215 KB);
 * then CPU 0 reads 90,000 random rows of it (a pass's gathers, a dot product each), either straight from
 * the shared table ("shared") or after copying the table sequentially into its own ("copied", the copy
 * timed in). Rounds alternate the two modes; prints the median µs per pass of each, and the
 * core-to-core round trip measured alongside (the placement, as benchmarks/pp/pp.c).
 *
 * Build: cc -O3 -march=native -ffast-math -pthread -o gather benchmarks/pp/gather.c   (do not commit the binary)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <time.h>
#include <sched.h>
#define ROWS 1682
#define D 32
#define GATHERS 90000
#define ROUNDS 200
static _Alignas(64) float shared[ROWS * D];
static _Alignas(64) float local[ROWS * D];
static int order[GATHERS];
static _Alignas(64) _Atomic long turn;
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);pthread_setaffinity_np(pthread_self(),sizeof s,&s);}
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
static void* writer(void*a){pin(1);for(long r=0;r<2*ROUNDS+2;r++){while(atomic_load_explicit(&turn,memory_order_acquire)!=2*r+1);
  for(int i=0;i<ROWS*D;i++)shared[i]+=1e-7f*(float)(i&7);atomic_store_explicit(&turn,2*r+2,memory_order_release);}return 0;}
static float pass(const float*t){float x[D];for(int k=0;k<D;k++)x[k]=0.01f*k;float s=0;
  for(int g=0;g<GATHERS;g++){const float*y=t+order[g]*D;float e=0;for(int k=0;k<D;k++)e+=x[k]*y[k];s+=e;}return s;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(){pin(0);srand(1);for(int g=0;g<GATHERS;g++)order[g]=rand()%ROWS;
  pthread_t t;pthread_create(&t,0,writer,0);double sh[ROUNDS],cp[ROUNDS];float sink=0;
  for(long r=0;r<2*ROUNDS+2;r++){atomic_store_explicit(&turn,2*r+1,memory_order_release);while(atomic_load_explicit(&turn,memory_order_acquire)!=2*r+2);
    double a=now();if(r&1){memcpy(local,shared,sizeof shared);sink+=pass(local);}else sink+=pass(shared);double b=now();
    if(r>=2){if(r&1)cp[(r-2)/2]=b-a;else sh[(r-2)/2]=b-a;}}
  pthread_join(t,0);qsort(sh,ROUNDS,sizeof(double),cmp);qsort(cp,ROUNDS,sizeof(double),cmp);
  printf("shared %.1f us, copied %.1f us per pass (median of %d; sink %g)\n",sh[ROUNDS/2],cp[ROUNDS/2],ROUNDS,(double)sink);return 0;}
