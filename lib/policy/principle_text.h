/*
 * lib/policy/principle_text.h - the nine AMA Principles of Medical Ethics,
 * paraphrased by the libmedsafety authors. Macros, so that the principle
 * table and the medical usage policy are built from the very same words.
 */
#ifndef MSB_POLICY_PRINCIPLE_TEXT_H
#define MSB_POLICY_PRINCIPLE_TEXT_H

#define MSB__P1_TITLE "Competent and compassionate care"
#define MSB__P1_TEXT "Give competent medical care with compassion, and with respect for " \
	"the dignity and rights of every person."

#define MSB__P2_TITLE "Professionalism and honesty"
#define MSB__P2_TEXT "Keep to professional standards, be truthful in every professional " \
	"dealing, and report to the proper bodies colleagues who lack character or " \
	"competence or who commit fraud or deception."

#define MSB__P3_TITLE "Respect for the law"
#define MSB__P3_TEXT "Obey the law, while accepting a duty to work for changes to legal " \
	"requirements that run against the best interests of patients."

#define MSB__P4_TITLE "Rights, confidentiality and privacy"
#define MSB__P4_TEXT "Honour the rights of patients, of fellow physicians and of other " \
	"health workers, and guard both what patients share in confidence and their " \
	"privacy, as far as the law allows."

#define MSB__P5_TITLE "Knowledge, education and consultation"
#define MSB__P5_TEXT "Keep learning, applying and advancing science; stay committed to " \
	"teaching and learning medicine; share what matters with patients, peers and " \
	"the public; and ask for the advice and help of other clinicians when the " \
	"case calls for it."

#define MSB__P6_TITLE "Freedom to choose how to practise"
#define MSB__P6_TEXT "Outside emergencies, and while giving appropriate care, be free to " \
	"choose whom to treat, whom to work with and in what setting to practise."

#define MSB__P7_TITLE "Community and public health"
#define MSB__P7_TEXT "Take part in efforts that improve the community and the health of " \
	"the public."

#define MSB__P8_TITLE "The patient comes first"
#define MSB__P8_TEXT "When treating a patient, put the duty to that patient above " \
	"every other duty."

#define MSB__P9_TITLE "Access to care for all"
#define MSB__P9_TEXT "Help make medical care available to everyone who needs it."

#endif
