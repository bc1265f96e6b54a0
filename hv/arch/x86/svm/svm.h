/* Private to the SVM backend. */
#ifndef BASTION_SVM_H
#define BASTION_SVM_H

#include "lib.h"

extern uint32_t svm_features;
extern uint32_t svm_nr_asids;

int svm_selftest(void);

#endif
