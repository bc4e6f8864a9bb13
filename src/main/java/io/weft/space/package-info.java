/**
 * The addresses one peer owns and which of them are in use: a bitmap per owned range, lowest
 * free first, and the choice of a block to donate to a peer out of space. Pure.
 */
package io.weft.space;
