// SPDX-License-Identifier: GPL-2.0
//
// call_check_host.cc - built and run by call_check_host.sh: feeds hostile
// descriptions to fastipc-call's CheckDescription() and Schema, and prints
// one line per case, "NAME check=0|1 build=0|1 why=...", for the script to
// assert on; then "escape=..." for Escape().
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "fcall.h"

void fcall::Error(const std::string &what, const std::string &why)
{
	fprintf(stderr, "%s: %s\n", what.c_str(), why.c_str());
}

namespace {

Fastipc__Rpc__MessageType *Type(const std::string &name)
{
	auto *t = new Fastipc__Rpc__MessageType;

	fastipc__rpc__message_type__init(t);
	t->name = strdup(name.c_str());
	return t;
}

void Run(const char *label, std::vector<Fastipc__Rpc__MessageType *> v)
{
	Fastipc__Rpc__Description d;
	fcall::Schema schema;
	std::string why;
	bool check, build = false;

	fastipc__rpc__description__init(&d);
	d.n_types = v.size();
	d.types = v.data();
	check = fcall::CheckDescription(&d, &why);
	if (check) {
		build = schema.FromDescription(&d, &why) &&
			schema.Lookup(v.back()->name);
		if (!build && why.empty())
			why = schema.Errors();
	}
	printf("%s check=%d build=%d why=%s\n", label, check, build,
	       why.c_str());
}

}  // namespace

int main()
{
	std::string dotted = "a", parts128 = "p0";
	std::vector<Fastipc__Rpc__MessageType *> many;

	for (int i = 1; i < 400000; i++)
		dotted += ".a";
	for (int i = 1; i < 128; i++)
		parts128 += ".p" + std::to_string(i);
	Run("nested", {Type("pkg.A"), Type("pkg.A.B")});
	Run("dotted800k", {Type(dotted)});
	Run("parts128", {Type(parts128)});
	Run("parts129", {Type(parts128 + ".p128")});
	Run("bytes1025", {Type(std::string(1025, 'a'))});
	Run("escape", {Type("pkg.\x1b[31mRed\x07")});
	Run("emptypart", {Type("pkg..A")});
	for (int i = 0; i < 100001; i++)
		many.push_back(Type("p.T" + std::to_string(i)));
	Run("types100001", many);
	printf("escape= %s\n", fcall::Escape("a\x1b[0m\\\xff").c_str());
	return 0;
}
