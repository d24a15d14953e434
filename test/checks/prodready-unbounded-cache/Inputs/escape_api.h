#pragma once
#include <map>
#include <string>
#include <vector>
std::map<std::string, int> &sharedMap();
void fillMore(std::vector<int> &v);
extern std::vector<std::string> g_exportedLog;
